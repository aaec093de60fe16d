using System.Formats.Cbor;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.Attestation;
using Tmel.Services.Tmelcom;

namespace Tmel.Simulator;

/// <summary>
/// The simulated TME-L's attestation (QWES): INIT_ATTESTATION (0x0C00, inline) writes the attestation public key (and
/// chain, when it fits) into the client's buffer; DEVICE_ATTESTATION (0x0C01, SRAM) answers a CBOR request carrying a
/// nonce with a COSE_Sign1 (ES384) PSA token listing the images currently authenticated. docs/attestation.md.
/// </summary>
/// <remarks>
/// Follows tmelcom-services.md §5.3: every out field written, <c>out_buf_len</c> never above <c>buf_len</c>, an extra-claims
/// buffer at address 0 is absent whatever its length. Every pointer is checked against the shared memory before a byte
/// is read; blob sizes are capped at 2048 bytes. Nonces, claims and key material are never logged.
/// </remarks>
internal sealed partial class AttestationService : ITmelcomHandler
{
    /// <summary>The largest extra-claims blob accepted (Linux's limit).</summary>
    public const int MaxExtraClaimsLength = 2048;

    private readonly IRpmsgSharedMemory _memory;
    private readonly AttestationIdentity _identity;
    private readonly MeasurementStore _measurements;
    private readonly byte[] _bootSeed;
    private readonly TmelSubsystem _subsystem;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    /// <param name="memory">The shared memory the structs and buffers live in.</param>
    /// <param name="identity">The device's attestation identity.</param>
    /// <param name="measurements">The images the subsystem this service answers has authenticated: the token's software components.</param>
    /// <param name="bootSeed">The device's boot seed (one per simulated boot).</param>
    /// <param name="subsystem">The subsystem whose mailbox this service answers: the token's client id.</param>
    /// <param name="logger">The logger.</param>
    public AttestationService(IRpmsgSharedMemory memory, AttestationIdentity identity, MeasurementStore measurements, byte[] bootSeed, TmelSubsystem subsystem, ILogger logger)
    {
        _memory = memory;
        _identity = identity;
        _measurements = measurements;
        _bootSeed = bootSeed;
        _subsystem = subsystem;
        _logger = logger;
    }

    public IReadOnlyCollection<ushort> Uids { get; } = [TmelcomUid.QwesInitAttestation, TmelcomUid.QwesDeviceAttestation];

    public void Handle(ReadOnlySpan<byte> request, uint source, Span<byte> reply)
    {
        if (!TmelcomReplies.TryDecode(request, reply, out TmelcomPacket packet))
        {
            return;
        }

        lock (_lock)
        {
            switch (packet.Uid)
            {
                case TmelcomUid.QwesInitAttestation:
                    InitAttestation(packet, reply);
                    break;
                case TmelcomUid.QwesDeviceAttestation:
                    DeviceAttestation(packet, source, reply);
                    break;
                default:
                    TmelcomReplies.Refuse(packet, TmelStatus.NotSupported, reply);
                    break;
            }
        }
    }

    private void InitAttestation(TmelcomPacket packet, Span<byte> reply)
    {
        if (packet.IpcType != TmelcomIpcType.MailboxOnly || packet.MessageLength != QwesInitAttestationMessage.MessageSize)
        {
            Log.WrongForm(_logger, packet.ToString());
            TmelcomReplies.Refuse(packet, TmelStatus.BadMessage, reply);
            return;
        }

        Span<byte> bytes = stackalloc byte[TmelcomPacket.MaxInlineLength];
        packet.CopyInlineMessageTo(bytes);
        QwesInitAttestationMessage message = QwesInitAttestationMessage.Decode(bytes[..QwesInitAttestationMessage.MessageSize]);
        TmelcomBuffer output = message.Output;
        byte[] withChain = _identity.PublicKey.Encode(includeChain: true);
        byte[] keyOnly = _identity.PublicKey.Encode(includeChain: false);
        byte[] encoded = output.Length >= withChain.Length ? withChain : keyOnly;
        TmelStatus status;
        uint written = 0;
        if (output.Length < encoded.Length)
        {
            status = Refused("INIT_ATTESTATION", TmelStatus.BadParameter, $"the output buffer holds {output.Length} bytes; the public key needs {keyOnly.Length}");
        }
        else if (!_memory.IsAllocatedRange(output.Address, output.Length) || !TryWrite(output.Address, encoded))
        {
            status = Refused("INIT_ATTESTATION", TmelStatus.BadAddress, $"the output buffer 0x{output.Address:X8}+{output.Length} is not inside one shared-memory buffer");
        }
        else
        {
            status = TmelStatus.Success;
            written = (uint)encoded.Length;
            Log.PublicKeyGiven(_logger, encoded.Length, encoded == withChain);
        }

        QwesInitAttestationMessage.Encode(message with { Status = (uint)status, OutLength = written }, bytes);
        TmelcomPacket.Encode(TmelcomPacket.CreateInline(packet.Uid, bytes[..QwesInitAttestationMessage.MessageSize]), reply);
    }

    private void DeviceAttestation(TmelcomPacket packet, uint source, Span<byte> reply)
    {
        if (packet.IpcType != TmelcomIpcType.Sram || packet.PayloadLength != QwesDeviceAttestationMessage.MessageSize)
        {
            Log.WrongForm(_logger, packet.ToString());
            TmelcomReplies.Refuse(packet, TmelStatus.BadMessage, reply);
            return;
        }

        Span<byte> bytes = stackalloc byte[QwesDeviceAttestationMessage.MessageSize];
        if (!TryRead(packet.PayloadAddress, bytes))
        {
            TmelcomReplies.Refuse(packet, TmelStatus.BadAddress, reply);
            return;
        }

        QwesDeviceAttestationMessage message = QwesDeviceAttestationMessage.Decode(bytes);
        uint written = 0;
        TmelStatus status = Attest(message, source, ref written);
        QwesDeviceAttestationMessage.Encode(message with { Status = (uint)status, OutLength = written }, bytes);
        if (!TryWrite(packet.PayloadAddress, bytes))
        {
            TmelcomReplies.Refuse(packet, TmelStatus.BadAddress, reply);
            return;
        }

        TmelcomPacket.Encode(packet.WithResponse(0), reply);
    }

    private TmelStatus Attest(QwesDeviceAttestationMessage message, uint source, ref uint written)
    {
        const string What = "DEVICE_ATTESTATION";
        TmelcomBuffer requestBuffer = message.Request;
        if (requestBuffer.Length is 0 or > AttestationRequestFormat.MaxLength)
        {
            return Refused(What, TmelStatus.BadParameter, $"the request is {requestBuffer.Length} bytes; 1..{AttestationRequestFormat.MaxLength} are accepted");
        }

        byte[] requestBytes = new byte[requestBuffer.Length];
        if (!TryRead(requestBuffer.Address, requestBytes))
        {
            return Refused(What, TmelStatus.BadAddress, $"the request 0x{requestBuffer.Address:X8}+{requestBuffer.Length} is not inside one shared-memory buffer");
        }

        byte[] nonce;
        try
        {
            nonce = AttestationRequestFormat.DecodeNonce(requestBytes);
        }
        catch (RpmsgProtocolException ex)
        {
            return Refused(What, TmelStatus.BadMessage, ex.Message);
        }

        if (!AttestationClaimKeys.IsNonceLength(nonce.Length))
        {
            return Refused(What, TmelStatus.BadParameter, $"the nonce is {nonce.Length} bytes; 32, 48 or 64 are accepted");
        }

        byte[] extra = [];
        if (message.HasExtraClaims)
        {
            TmelcomBuffer claims = message.ExtraClaims;
            if (claims.Length is 0 or > MaxExtraClaimsLength)
            {
                return Refused(What, TmelStatus.BadParameter, $"the extra claims are {claims.Length} bytes; 1..{MaxExtraClaimsLength} are accepted");
            }

            extra = new byte[claims.Length];
            if (!TryRead(claims.Address, extra))
            {
                return Refused(What, TmelStatus.BadAddress, $"the extra claims 0x{claims.Address:X8}+{claims.Length} are not inside one shared-memory buffer");
            }

            if (CheckExtraClaims(extra) is { } why)
            {
                return Refused(What, TmelStatus.BadMessage, why);
            }
        }

        TmelcomBuffer output = message.Response;
        byte[] token = AttestationTokenBuilder.Build(_identity, nonce, _subsystem.ClientId(source), _bootSeed, _measurements.Snapshot(), extra);
        if (output.Length < token.Length)
        {
            return Refused(What, TmelStatus.BadParameter, $"the response buffer holds {output.Length} bytes; the token is {token.Length}");
        }

        if (!_memory.IsAllocatedRange(output.Address, output.Length) || !TryWrite(output.Address, token))
        {
            return Refused(What, TmelStatus.BadAddress, $"the response buffer 0x{output.Address:X8}+{output.Length} is not inside one shared-memory buffer");
        }

        written = (uint)token.Length;
        Log.Attested(_logger, source, token.Length, _measurements.Snapshot().Count);
        return TmelStatus.Success;
    }

    /// <summary>Extra claims must be exactly one well-formed CBOR map (strict: no duplicate keys), nothing after it.</summary>
    private static string? CheckExtraClaims(byte[] extra)
    {
        try
        {
            var reader = new CborReader(extra, CborConformanceMode.Strict);
            if (reader.PeekState() != CborReaderState.StartMap)
            {
                return "the extra claims are not a CBOR map";
            }

            reader.SkipValue();
            return reader.BytesRemaining == 0 ? null : $"{reader.BytesRemaining} bytes follow the extra-claims map";
        }
        catch (CborContentException ex)
        {
            return $"the extra claims are not well-formed CBOR: {ex.Message}";
        }
    }

    private TmelStatus Refused(string what, TmelStatus status, string why)
    {
        Log.Refused(_logger, what, status, why);
        return status;
    }

    private bool TryRead(uint busAddress, Span<byte> destination) => ClientMemory.TryReadAllocated(_memory, busAddress, destination);

    private bool TryWrite(uint busAddress, ReadOnlySpan<byte> source) => ClientMemory.TryWrite(_memory, busAddress, source);

    /// <summary>Event ids 4500-4549: the attestation service.</summary>
    private static partial class Log
    {
        [LoggerMessage(4500, LogLevel.Warning, "{Packet} has the wrong form for its UID; answered BAD_MESSAGE.")]
        public static partial void WrongForm(ILogger logger, string packet);

        [LoggerMessage(4501, LogLevel.Warning, "{What} refused with {Status}: {Why}.")]
        public static partial void Refused(ILogger logger, string what, TmelStatus status, string why);

        [LoggerMessage(4502, LogLevel.Debug, "INIT_ATTESTATION: {Length} bytes of public key written (chain included: {WithChain}).")]
        public static partial void PublicKeyGiven(ILogger logger, int length, bool withChain);

        [LoggerMessage(4503, LogLevel.Information, "DEVICE_ATTESTATION: a {Length}-byte token for the caller at {Source}, {Images} images measured.")]
        public static partial void Attested(ILogger logger, uint source, int length, int images);
    }
}
