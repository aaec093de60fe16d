namespace Tmel.Services.Tmelcom;

/// <summary>SECBOOT SEC_AUTH_V2 (UID 0x000F): SEC_AUTH with the integrity-check flag, a reserved buffer and a key handle.</summary>
/// <remarks>
/// <para><c>struct tmel_secboot_sec_auth_v2</c> (tmelcom-services.md §3.1), 60 bytes, always on the SRAM path:</para>
/// <code>
///  offset  size  field
///  0       4     req.sw_id
///  4       8     req.elf_buf            {buf u32, buf_len u32}
///  12      8     req.region_list        {buf u32, buf_len u32}: buf_len as U-Boot fills it (see docs/image-auth.md)
///  20      4     req.relocate
///  24      4     req.flags              bit 0 ns_integrity_check, bits 1..31 reserved (may be stack garbage)
///  28      8     req.reserved_buf       {buf u32, buf_len u32}: reserved (may be stack garbage)
///  ------------------------------------ request ends (36), response begins ----------
///  36      4     resp.first_seg_addr
///  40      4     resp.first_seg_len
///  44      4     resp.entry_addr
///  48      4     resp.extended_error
///  52      4     resp.status
///  56      4     resp.key_handle
///  total   60
/// </code>
/// </remarks>
/// <param name="Request">The SEC_AUTH request fields the two versions share.</param>
/// <param name="Flags">The flag word (<c>flags</c>); bit 0 is <see cref="IntegrityCheckFlag"/>.</param>
/// <param name="Reserved">The reserved buffer (<c>reserved_buf</c>).</param>
/// <param name="Response">The SEC_AUTH response fields the two versions share.</param>
/// <param name="KeyHandle">The key handle TME-L returns (<c>key_handle</c>).</param>
public readonly record struct SecAuthV2Message(SecAuthRequest Request, uint Flags, TmelcomBuffer Reserved, SecAuthResponse Response, uint KeyHandle)
{
    /// <summary>The message's UID, <see cref="TmelcomUid.SecAuthV2"/>.</summary>
    public const ushort Uid = TmelcomUid.SecAuthV2;

    /// <summary>The struct's size in bytes (the SRAM packet's <c>payload_len</c>).</summary>
    public const int MessageSize = 60;

    /// <summary>The size of the request half; the response starts here.</summary>
    public const int RequestSize = 36;

    /// <summary>Bit 0 of <see cref="Flags"/>: <c>ns_integrity_check</c>.</summary>
    public const uint IntegrityCheckFlag = 1;

    /// <summary>Gets a value indicating whether <c>ns_integrity_check</c> (bit 0 of <see cref="Flags"/>) is set.</summary>
    public bool IntegrityCheck => (Flags & IntegrityCheckFlag) != 0;

    /// <summary>Writes the 60-byte struct.</summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">At least <see cref="MessageSize"/> bytes.</param>
    /// <returns><see cref="MessageSize"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is too short.</exception>
    public static int Encode(SecAuthV2Message message, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MessageSize, nameof(destination));
        Span<byte> v1 = stackalloc byte[SecAuthRequest.MessageSize];
        SecAuthRequest.Encode(message.Request, v1);
        SecAuthResponse.Encode(message.Response, v1);
        v1[..SecAuthRequest.RequestSize].CopyTo(destination);
        TmelcomWords.Write(destination, 24, message.Flags);
        message.Reserved.Write(destination[28..]);
        v1[SecAuthRequest.RequestSize..].CopyTo(destination[RequestSize..]);
        TmelcomWords.Write(destination, 56, message.KeyHandle);
        return MessageSize;
    }

    /// <summary>Reads the 60-byte struct.</summary>
    /// <param name="source">Exactly <see cref="MessageSize"/> bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="Rpmsg.Core.RpmsgProtocolException"><paramref name="source"/> is not 60 bytes long.</exception>
    public static SecAuthV2Message Decode(ReadOnlySpan<byte> source)
    {
        TmelcomWords.CheckLength(source, MessageSize, "SEC_AUTH_V2 struct");
        Span<byte> v1 = stackalloc byte[SecAuthRequest.MessageSize];
        source[..SecAuthRequest.RequestSize].CopyTo(v1);
        source[RequestSize..56].CopyTo(v1[SecAuthRequest.RequestSize..]);
        return new SecAuthV2Message(
            SecAuthRequest.Decode(v1),
            TmelcomWords.Read(source, 24),
            TmelcomBuffer.Read(source[28..]),
            SecAuthResponse.Decode(v1),
            TmelcomWords.Read(source, 56));
    }
}
