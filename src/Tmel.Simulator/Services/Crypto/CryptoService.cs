using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>
/// The simulated TME-L's crypto subsystem: key management (KM, 0x07) and host crypto services (HCS, 0x0B) on their real
/// structs (tmelcom-services.md §3.4, §3.5), over a <see cref="KeyStore"/> whose secrets never leave it.
/// </summary>
/// <remarks>
/// <para>
/// §5.3 to the letter: one reply per request; protocol failures (a packet that is not SRAM, a <c>payload_len</c> other
/// than the struct's size, a struct outside shared memory) in the header <c>response</c> with a negative
/// <c>tmelcom_resp</c> code, the struct untouched; everything else with <c>response</c> 0 and every out field of the
/// struct written: <c>status</c>, the five <c>seq_status</c> words, every used-length (0 unless bytes were written, never
/// above the capacity). Request words are written back as they came. A wrong use of a key is refused and never performed.
/// </para>
/// <para>Requests are handled one at a time, whichever endpoint they came from. Key material is never logged.</para>
/// </remarks>
internal sealed partial class CryptoService : ITmelcomHandler, IDisposable
{
    /// <summary>The largest input (message, plaintext, ciphertext) accepted: 1 MiB.</summary>
    public const int MaxDataLength = 1024 * 1024;

    /// <summary>The largest AAD accepted: 256 bytes (<c>TME_MAX_AAD_LEN</c>).</summary>
    public const int MaxAadLength = 256;

    /// <summary>The largest PRNG request: 512 bytes.</summary>
    public const int MaxRandomLength = 512;

    /// <summary>The largest plaintext key: 68 bytes (<c>TME_PT_KEY_BYTES_MAX</c>).</summary>
    public const int MaxPlainKeyLength = 68;

    /// <summary><c>tmelcom_resp</c> codes for the header (§2.5).</summary>
    internal const sbyte ResponseBadAddress = -33;
    internal const sbyte ResponseInvalidMessage = -41;
    internal const sbyte ResponseNotSupported = -43;

    private readonly IRpmsgSharedMemory _memory;
    private readonly KeyStore _keys;
    private readonly uint _owner;
    private readonly Dictionary<uint, byte[]> _hardwareKeys;
    private readonly ILogger _logger;
    private readonly Lock _lock;

    /// <summary>Creates the service for one subsystem's mailbox.</summary>
    /// <param name="memory">The shared memory the structs and buffers live in.</param>
    /// <param name="keys">The key table (shared by every subsystem's service, each seeing only its own keys).</param>
    /// <param name="hardwareKeys">The simulated fuse keys by key id (8, 9, 0xA, 0xC), usable only as KDF inputs.</param>
    /// <param name="owner">The subsystem whose mailbox this service answers: the owner of every key it creates.</param>
    /// <param name="sync">The lock shared with the other subsystems' services over the same key table.</param>
    /// <param name="logger">The logger.</param>
    public CryptoService(IRpmsgSharedMemory memory, KeyStore keys, IReadOnlyDictionary<uint, byte[]> hardwareKeys, uint owner, Lock sync, ILogger logger)
    {
        _memory = memory;
        _keys = keys;
        // A copy of each key: this service zeroes its copies when disposed, whoever else holds the originals.
        _hardwareKeys = hardwareKeys.ToDictionary(p => p.Key, p => (byte[])p.Value.Clone());
        _owner = owner;
        _lock = sync;
        _logger = logger;
    }

    public IReadOnlyCollection<ushort> Uids { get; } =
    [
        TmelcomUid.KmClear, TmelcomUid.KmImport, TmelcomUid.KmGenerate, TmelcomUid.KmDerive, TmelcomUid.KmWrap, TmelcomUid.KmUnwrap,
        TmelcomUid.KmExportEcdhIpKey,
        TmelcomUid.HcsShaDigest, TmelcomUid.HcsHmacDigest, TmelcomUid.HcsEccSignDigest, TmelcomUid.HcsEccSignMessage,
        TmelcomUid.HcsEccVerifyDigest, TmelcomUid.HcsEccVerifyMessage, TmelcomUid.HcsEccGetPublicKey, TmelcomUid.HcsEcdhGetPublicKey,
        TmelcomUid.HcsEcdhSharedSecret, TmelcomUid.HcsAesEncrypt, TmelcomUid.HcsAesDecrypt, TmelcomUid.HcsPrngGet,
    ];

    /// <summary>Derives the simulated fuse keys (8 chip-unique seed, 9 CRBK, 0xA family L1, 0xC OEM product seed) from a hardware unique key.</summary>
    public static Dictionary<uint, byte[]> DeriveHardwareKeys(ReadOnlySpan<byte> hardwareUniqueKey)
    {
        var keys = new Dictionary<uint, byte[]>();
        foreach (uint slot in (uint[])[0x8, 0x9, 0xA, 0xC])
        {
            keys[slot] = SP800108HmacCounterKdf.DeriveBytes(hardwareUniqueKey, HashAlgorithmName.SHA512, "TMEL-SIM fuse key", $"slot {slot}", 64);
        }

        return keys;
    }

    public void Handle(ReadOnlySpan<byte> request, uint source, Span<byte> reply)
    {
        if (!TmelcomReplies.TryDecode(request, reply, out TmelcomPacket packet))
        {
            Log.Malformed(_logger, request.Length);
            return;
        }

        lock (_lock)
        {
            switch (packet.Uid)
            {
                case TmelcomUid.KmClear: Serve<KmClearMessage>(packet, reply, Clear); break;
                case TmelcomUid.KmImport: Serve<KmImportMessage>(packet, reply, Import); break;
                case TmelcomUid.KmGenerate: Serve<KmGenerateMessage>(packet, reply, Generate); break;
                case TmelcomUid.KmDerive: Serve<KmDeriveMessage>(packet, reply, Derive); break;
                case TmelcomUid.KmWrap: Serve<KmWrapMessage>(packet, reply, Wrap); break;
                case TmelcomUid.KmUnwrap: Serve<KmUnwrapMessage>(packet, reply, Unwrap); break;
                case TmelcomUid.KmExportEcdhIpKey: Serve<KmExportEcdhIpMessage>(packet, reply, ExportEcdhIp); break;
                case TmelcomUid.HcsShaDigest: Serve<HcsDigestMessage>(packet, reply, m => Digest(m, hmac: false)); break;
                case TmelcomUid.HcsHmacDigest: Serve<HcsDigestMessage>(packet, reply, m => Digest(m, hmac: true)); break;
                case TmelcomUid.HcsEccSignDigest: Serve<HcsEccSignMessage>(packet, reply, m => Sign(m, message: false)); break;
                case TmelcomUid.HcsEccSignMessage: Serve<HcsEccSignMessage>(packet, reply, m => Sign(m, message: true)); break;
                case TmelcomUid.HcsEccVerifyDigest: Serve<HcsEccVerifyMessage>(packet, reply, m => Verify(m, message: false)); break;
                case TmelcomUid.HcsEccVerifyMessage: Serve<HcsEccVerifyMessage>(packet, reply, m => Verify(m, message: true)); break;
                case TmelcomUid.HcsEccGetPublicKey: Serve<HcsEccPublicKeyMessage>(packet, reply, m => PublicKey(m, KeyPolicyRules.EccAlgorithmEcdsa)); break;
                case TmelcomUid.HcsEcdhGetPublicKey: Serve<HcsEccPublicKeyMessage>(packet, reply, m => PublicKey(m, KeyPolicyRules.EccAlgorithmEcdh)); break;
                case TmelcomUid.HcsEcdhSharedSecret: Serve<HcsEcdhSharedSecretMessage>(packet, reply, SharedSecret); break;
                case TmelcomUid.HcsAesEncrypt: Serve<HcsAesEncryptMessage>(packet, reply, Encrypt); break;
                case TmelcomUid.HcsAesDecrypt: Serve<HcsAesDecryptMessage>(packet, reply, Decrypt); break;
                case TmelcomUid.HcsPrngGet: Serve<HcsPrngMessage>(packet, reply, Random); break;
                default:
                    Log.NotSupported(_logger, packet.Uid);
                    TmelcomPacket.Encode(packet.WithResponse(ResponseNotSupported), reply);
                    break;
            }
        }
    }

    public void Dispose()
    {
        foreach (byte[] key in _hardwareKeys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Reads the struct, runs the operation, writes the struct back in place, answers the packet.</summary>
    private void Serve<T>(TmelcomPacket packet, Span<byte> reply, Func<T, T> operation)
        where T : struct, ITmeCryptoMessage<T>
    {
        if (packet.IpcType != TmelcomIpcType.Sram || packet.PayloadLength != T.Size)
        {
            Log.WrongForm(_logger, packet.ToString(), T.Name, T.Size);
            TmelcomPacket.Encode(packet.WithResponse(ResponseInvalidMessage), reply);
            return;
        }

        Span<byte> bytes = stackalloc byte[T.Size];
        if (!ClientMemory.TryReadAllocated(_memory, packet.PayloadAddress, bytes))
        {
            Log.StructOutside(_logger, T.Name, packet.PayloadAddress);
            TmelcomPacket.Encode(packet.WithResponse(ResponseBadAddress), reply);
            return;
        }

        T result = operation(T.Decode(bytes));
        T.Encode(result, bytes);
        if (!TryWrite(packet.PayloadAddress, bytes))
        {
            TmelcomPacket.Encode(packet.WithResponse(ResponseBadAddress), reply);
            return;
        }

        TmelcomPacket.Encode(packet.WithResponse(0), reply);
    }

    /// <summary>The five seq_status words for a status: all 0 on success; <c>tme_error_status</c> = the status otherwise, and key-policy error word 0 = 1 for a policy refusal.</summary>
    private static TmeSequencerStatus Sequencer(TmeStatus status, bool policy = false) =>
        status == TmeStatus.Success ? default : new TmeSequencerStatus((uint)status, 0, policy ? 1u : 0u, 0, 0);

    private SimulatedKey? FindKey(uint handle) => _keys.Find(_owner, handle);

    /// <summary>Reads a BUF_IN into a new array after checking it lies in shared memory and is at most <paramref name="max"/> bytes.</summary>
    private TmeStatus TryReadInput(TmelcomBuffer buffer, int max, out byte[] data, bool allowEmpty = true)
    {
        data = [];
        if (buffer.Address == 0)
        {
            return allowEmpty ? TmeStatus.Success : TmeStatus.InvalidInput;
        }

        if (buffer.Length > max || (!allowEmpty && buffer.Length == 0))
        {
            return TmeStatus.InvalidInput;
        }

        if (buffer.Length == 0)
        {
            return TmeStatus.Success;
        }

        if (!_memory.IsAllocatedRange(buffer.Address, buffer.Length))
        {
            return TmeStatus.InvalidMemory;
        }

        data = new byte[buffer.Length];
        return TryRead(buffer.Address, data) ? TmeStatus.Success : TmeStatus.InvalidMemory;
    }

    /// <summary>Checks an output buffer can take <paramref name="length"/> bytes: present, in shared memory, big enough.</summary>
    private TmeStatus CheckOutput(TmelcomOutBuffer buffer, int length)
    {
        if (buffer.IsAbsent)
        {
            return TmeStatus.InvalidInput;
        }

        if (buffer.Capacity < length)
        {
            return TmeStatus.SmallOutputBuffer;
        }

        return _memory.IsAllocatedRange(buffer.Address, buffer.Capacity) ? TmeStatus.Success : TmeStatus.InvalidMemory;
    }

    /// <summary>Writes the bytes into a checked output buffer; returns the used-length to report.</summary>
    private uint WriteOutput(TmelcomOutBuffer buffer, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return 0;
        }

        return TryWrite(buffer.Address, data) ? (uint)data.Length : 0;
    }

    private bool TryRead(uint busAddress, Span<byte> destination) => ClientMemory.TryRead(_memory, busAddress, destination);

    private bool TryWrite(uint busAddress, ReadOnlySpan<byte> source) => ClientMemory.TryWrite(_memory, busAddress, source);

    /// <summary>Event ids 4600-4699: the crypto service. Handles, policies and statuses only; never key material.</summary>
    private static partial class Log
    {
        [LoggerMessage(4600, LogLevel.Warning, "Crypto: a {Length}-byte message is no TMELCOM packet; answered BAD_MESSAGE.")]
        public static partial void Malformed(ILogger logger, int length);

        [LoggerMessage(4601, LogLevel.Warning, "Crypto: UID 0x{Uid:X4} is not served; answered NOT_SUPPORTED (-43).")]
        public static partial void NotSupported(ILogger logger, ushort uid);

        [LoggerMessage(4602, LogLevel.Warning, "Crypto: {Packet} is not an SRAM packet of the {Name} struct's {Size} bytes; answered INVALID_MESSAGE (-41).")]
        public static partial void WrongForm(ILogger logger, string packet, string name, int size);

        [LoggerMessage(4603, LogLevel.Warning, "Crypto: the {Name} struct at 0x{Address:X8} is not inside one shared-memory buffer; answered BAD_ADDR (-33).")]
        public static partial void StructOutside(ILogger logger, string name, uint address);

        [LoggerMessage(4604, LogLevel.Information, "Crypto: {Operation} answered {Status}.")]
        public static partial void Answered(ILogger logger, string operation, TmeStatus status);

        [LoggerMessage(4605, LogLevel.Information, "Crypto: {Operation} made key handle {Handle} (policy 0x{High:X8}{Low:X8}).")]
        public static partial void KeyCreated(ILogger logger, string operation, uint handle, uint high, uint low);
    }
}
