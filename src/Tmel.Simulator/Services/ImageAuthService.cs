using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;

namespace Tmel.Simulator;

/// <summary>
/// The simulated TME-L's image authentication: SEC_AUTH (0x0004) verifies a TSIM-MBN7 image whose metadata and carve-out
/// lie in shared memory, SS_TEAR_DOWN (0x000A) releases it. Served on its announced endpoint and, for the RFC's own
/// driver, at rpmsg address 0.
/// </summary>
/// <remarks>
/// <para>
/// Everything from the peer is untrusted: pointers and lengths are checked against the shared memory before anything is
/// read or allocated on their account, sizes are capped, and every failure is an answer (docs/image-auth.md has the
/// table), never an exception out of the service. Requests are handled one at a time, whichever endpoint they came from.
/// </para>
/// <para>
/// An authenticated image is recorded in the <see cref="MeasurementStore"/>; SEC_AUTH of a software id that is already up
/// is refused with TMEL_BUSY (tear it down first), and SS_TEAR_DOWN removes the record.
/// </para>
/// </remarks>
internal sealed partial class ImageAuthService : ITmelcomHandler
{
    /// <summary>The largest <c>elf_buf</c> accepted: 1 MiB (ELF header, up to 100 phdrs, the hash segment with its chain are a few KiB).</summary>
    public const int MaxMetadataLength = 1024 * 1024;

    private readonly IRpmsgSharedMemory _memory;
    private readonly TsimFuses _fuses;
    private readonly MeasurementStore _measurements;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    public ImageAuthService(IRpmsgSharedMemory memory, TsimFuses fuses, MeasurementStore measurements, TimeProvider time, ILogger logger)
    {
        _memory = memory;
        _fuses = fuses;
        _measurements = measurements;
        _time = time;
        _logger = logger;
    }

    public IReadOnlyCollection<ushort> Uids { get; } = [TmelcomUid.SecAuth, TmelcomUid.SecAuthV2, TmelcomUid.TearDown];

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
                case TmelcomUid.SecAuth:
                    SecAuth(packet, reply);
                    break;
                case TmelcomUid.SecAuthV2:
                    SecAuthV2(packet, reply);
                    break;
                case TmelcomUid.TearDown:
                    TearDown(packet, reply);
                    break;
                default:
                    Log.NotSupported(_logger, packet.Uid);
                    TmelcomReplies.Refuse(packet, TmelStatus.NotSupported, reply);
                    break;
            }
        }
    }

    private void SecAuth(TmelcomPacket packet, Span<byte> reply)
    {
        if (packet.IpcType != TmelcomIpcType.Sram || packet.PayloadLength != SecAuthRequest.MessageSize)
        {
            Log.WrongForm(_logger, packet.ToString());
            TmelcomReplies.Refuse(packet, TmelStatus.BadMessage, reply);
            return;
        }

        Span<byte> message = stackalloc byte[SecAuthRequest.MessageSize];
        if (!TryRead(packet.PayloadAddress, message))
        {
            Log.StructOutside(_logger, packet.PayloadAddress);
            TmelcomReplies.Refuse(packet, TmelStatus.BadAddress, reply);
            return;
        }

        SecAuthRequest request = SecAuthRequest.Decode(message);
        SecAuthResponse response = Authenticate(request);
        SecAuthResponse.Encode(response, message);
        if (!TryWrite(packet.PayloadAddress + SecAuthResponse.Offset, message[SecAuthResponse.Offset..]))
        {
            // The struct was freed under us; nothing to answer in place. Roll back a success nobody will hear of.
            if (response.IsSuccess)
            {
                _measurements.TryRemove(request.SwId);
            }

            TmelcomReplies.Refuse(packet, TmelStatus.BadAddress, reply);
            return;
        }

        TmelcomPacket.Encode(packet.WithResponse(0), reply);
    }

    /// <summary>
    /// SEC_AUTH_V2: the SEC_AUTH request fields are authenticated exactly as SEC_AUTH's. The flag word (bit 0
    /// <c>ns_integrity_check</c> and reserved bits 1..31) and <c>reserved_buf</c> are ignored, since U-Boot leaves stack garbage
    /// there; every segment is hash-checked whatever bit 0 says. <c>key_handle</c> is always written, 0 (no key handle
    /// is issued). docs/image-auth.md, "SEC_AUTH_V2".
    /// </summary>
    private void SecAuthV2(TmelcomPacket packet, Span<byte> reply)
    {
        if (packet.IpcType != TmelcomIpcType.Sram || packet.PayloadLength != SecAuthV2Message.MessageSize)
        {
            Log.WrongForm(_logger, packet.ToString());
            TmelcomReplies.Refuse(packet, TmelStatus.BadMessage, reply);
            return;
        }

        Span<byte> message = stackalloc byte[SecAuthV2Message.MessageSize];
        if (!TryRead(packet.PayloadAddress, message))
        {
            Log.StructOutside(_logger, packet.PayloadAddress);
            TmelcomReplies.Refuse(packet, TmelStatus.BadAddress, reply);
            return;
        }

        SecAuthV2Message request = SecAuthV2Message.Decode(message);
        SecAuthResponse response = Authenticate(request.Request);
        SecAuthV2Message.Encode(request with { Response = response, KeyHandle = 0 }, message);
        if (!TryWrite(packet.PayloadAddress + SecAuthV2Message.RequestSize, message[SecAuthV2Message.RequestSize..]))
        {
            if (response.IsSuccess)
            {
                _measurements.TryRemove(request.Request.SwId);
            }

            TmelcomReplies.Refuse(packet, TmelStatus.BadAddress, reply);
            return;
        }

        TmelcomPacket.Encode(packet.WithResponse(0), reply);
    }

    private SecAuthResponse Authenticate(SecAuthRequest request)
    {
        uint swId = request.SwId;
        if (_measurements.IsAuthenticated(swId))
        {
            return Refused(swId, TmelStatus.Busy, ImageAuthErrors.AlreadyAuthenticated, "the software id is already authenticated; tear it down first");
        }

        if (_measurements.Count >= MeasurementStore.MaxImages)
        {
            return Refused(swId, TmelStatus.Busy, ImageAuthErrors.TooManyImages, $"the subsystem has {MeasurementStore.MaxImages} images authenticated; tear one down first");
        }

        TmelcomBuffer elf = request.ElfBuffer;
        if (elf.Length is 0 or > MaxMetadataLength)
        {
            return Refused(swId, TmelStatus.BadParameter, ImageAuthErrors.ElfBufferLength, $"elf_buf is {elf.Length} bytes; 1..{MaxMetadataLength} are accepted");
        }

        if (!_memory.IsAllocatedRange(elf.Address, elf.Length))
        {
            return Refused(swId, TmelStatus.BadAddress, ImageAuthErrors.ElfBufferAddress, $"elf_buf 0x{elf.Address:X8}+{elf.Length} is not inside one shared-memory buffer");
        }

        byte[] metadata = new byte[elf.Length];
        if (!TryRead(elf.Address, metadata))
        {
            return Refused(swId, TmelStatus.BadAddress, ImageAuthErrors.ElfBufferAddress, "elf_buf was freed while it was read");
        }

        SecAuthResponse? refusal = TryReadRegions(request, out SecAuthRegion[] regions);
        if (refusal is { } refused)
        {
            return refused;
        }

        if (request.Relocate > 1 || (request.Relocate == 1 && regions.Length == 0))
        {
            return Refused(swId, TmelStatus.BadParameter, ImageAuthErrors.Relocate, $"relocate is {request.Relocate} with {regions.Length} regions; 0, or 1 with a region list, is accepted");
        }

        var loaded = new RegionListLoadedMemory(_memory, regions, request.Relocate == 1, ElfLoadBase.TryCompute(metadata));
        TsimVerificationResult result;
        try
        {
            result = TsimImageVerifier.Verify(metadata, swId, _fuses, loaded, _time.GetUtcNow());
        }
#pragma warning disable CA1031 // The verifier promises not to throw; if it ever does, the peer still gets an answer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.VerifierFailed(_logger, swId, ex);
            return new SecAuthResponse(0, 0, 0, ImageAuthErrors.Internal, (uint)TmelStatus.Generic);
        }

        if (!result.IsSuccess)
        {
            Log.Rejected(_logger, swId, result.Step, result.Status, result.ExtendedError, result.Detail);
            return new SecAuthResponse(0, 0, 0, result.ExtendedError, (uint)result.Status);
        }

        if (!_measurements.TryAdd(result.Measurement!))
        {
            // Another request of this subsystem took the last place (or the sw_id) meanwhile.
            return Refused(swId, TmelStatus.Busy, ImageAuthErrors.TooManyImages, "the image could not be recorded: the sw_id came up meanwhile or the subsystem is at its image limit");
        }

        Log.Authenticated(_logger, swId, result.EntryAddress, result.FirstSegmentAddress, result.FirstSegmentLength);
        return new SecAuthResponse(result.FirstSegmentAddress, result.FirstSegmentLength, result.EntryAddress, 0, 0);
    }

    private SecAuthResponse? TryReadRegions(SecAuthRequest request, out SecAuthRegion[] regions)
    {
        regions = [];
        TmelcomBuffer list = request.RegionList;
        uint swId = request.SwId;
        if (list.IsNone)
        {
            return null;
        }

        if (list.Length is 0 or > SecAuthRegionList.MaxByteLength || list.Length % SecAuthRegionList.EntrySize != 0)
        {
            return Refused(swId, TmelStatus.BadParameter, ImageAuthErrors.RegionList, $"region_list is {list.Length} bytes; 1..{SecAuthRegionList.MaxCount} entries of {SecAuthRegionList.EntrySize} are accepted");
        }

        Span<byte> bytes = stackalloc byte[SecAuthRegionList.MaxByteLength];
        bytes = bytes[..(int)list.Length];
        if (!ClientMemory.TryReadAllocated(_memory, list.Address, bytes))
        {
            return Refused(swId, TmelStatus.BadAddress, ImageAuthErrors.RegionListAddress, $"region_list 0x{list.Address:X8}+{list.Length} is not inside one shared-memory buffer");
        }

        try
        {
            regions = SecAuthRegionList.Decode(bytes);
        }
        catch (RpmsgProtocolException ex)
        {
            return Refused(swId, TmelStatus.BadParameter, ImageAuthErrors.RegionList, ex.Message);
        }

        for (int i = 0; i < regions.Length; i++)
        {
            SecAuthRegion region = regions[i];
            if (region.Size == 0)
            {
                return Refused(swId, TmelStatus.BadParameter, ImageAuthErrors.Region, $"region {i} is empty");
            }

            for (int j = 0; j < i; j++)
            {
                if (region.Base < regions[j].End && regions[j].Base < region.End)
                {
                    return Refused(swId, TmelStatus.BadParameter, ImageAuthErrors.Region, $"regions {j} and {i} overlap");
                }
            }

            if (!_memory.IsAllocatedRange(region.Base, region.Size))
            {
                return Refused(swId, TmelStatus.BadAddress, ImageAuthErrors.RegionAddress, $"region {i} (0x{region.Base:X8}+0x{region.Size:X}) is not inside one shared-memory buffer");
            }
        }

        return null;
    }

    private void TearDown(TmelcomPacket packet, Span<byte> reply)
    {
        if (packet.IpcType != TmelcomIpcType.MailboxOnly || packet.MessageLength != TearDownRequest.MessageSize)
        {
            Log.WrongForm(_logger, packet.ToString());
            TmelcomReplies.Refuse(packet, TmelStatus.BadMessage, reply);
            return;
        }

        Span<byte> message = stackalloc byte[TmelcomPacket.MaxInlineLength];
        packet.CopyInlineMessageTo(message);
        message = message[..TearDownRequest.MessageSize];
        TearDownRequest request = TearDownRequest.Decode(message);
        TmelStatus status;
        if (request.SecondarySwId != 0)
        {
            status = TmelStatus.BadParameter;
            Log.TearDownRefused(_logger, request.SwId, "secondary_sw_id is not 0");
        }
        else if (!_measurements.TryRemove(request.SwId))
        {
            status = TmelStatus.BadParameter;
            Log.TearDownRefused(_logger, request.SwId, "the software id is not authenticated");
        }
        else
        {
            status = TmelStatus.Success;
            Log.TornDown(_logger, request.SwId);
        }

        TearDownResponse.Encode(new TearDownResponse((uint)status), message);
        TmelcomPacket.Encode(TmelcomPacket.CreateInline(TearDownRequest.Uid, message), reply);
    }

    private SecAuthResponse Refused(uint swId, TmelStatus status, uint extendedError, string why)
    {
        Log.Refused(_logger, swId, status, extendedError, why);
        return new SecAuthResponse(0, 0, 0, extendedError, (uint)status);
    }

    private bool TryRead(uint busAddress, Span<byte> destination) => ClientMemory.TryRead(_memory, busAddress, destination);

    private bool TryWrite(uint busAddress, ReadOnlySpan<byte> source) => ClientMemory.TryWrite(_memory, busAddress, source);

    /// <summary>Event ids 4200-4299: the image-authentication service.</summary>
    private static partial class Log
    {
        [LoggerMessage(4200, LogLevel.Information, "SEC_AUTH: sw_id 0x{SwId:X} authenticated; entry 0x{EntryAddress:X8}, first segment 0x{FirstSegmentAddress:X8}+0x{FirstSegmentLength:X}.")]
        public static partial void Authenticated(ILogger logger, uint swId, uint entryAddress, uint firstSegmentAddress, uint firstSegmentLength);

        [LoggerMessage(4201, LogLevel.Warning, "SEC_AUTH: sw_id 0x{SwId:X} rejected at step '{Step}': {Status}, extended error 0x{ExtendedError:X}. {Detail}")]
        public static partial void Rejected(ILogger logger, uint swId, string step, TmelStatus status, uint extendedError, string detail);

        [LoggerMessage(4202, LogLevel.Warning, "SEC_AUTH: sw_id 0x{SwId:X} refused: {Status}, extended error 0x{ExtendedError:X}; {Why}.")]
        public static partial void Refused(ILogger logger, uint swId, TmelStatus status, uint extendedError, string why);

        [LoggerMessage(4203, LogLevel.Warning, "The SEC_AUTH (or SEC_AUTH_V2) struct at 0x{Address:X8} is not inside one shared-memory buffer; answered BAD_ADDRESS.")]
        public static partial void StructOutside(ILogger logger, uint address);

        [LoggerMessage(4204, LogLevel.Warning, "A {Length}-byte message is no TMELCOM packet; answered BAD_MESSAGE.")]
        public static partial void Malformed(ILogger logger, int length);

        [LoggerMessage(4205, LogLevel.Warning, "{Packet} has the wrong form for its UID; answered BAD_MESSAGE.")]
        public static partial void WrongForm(ILogger logger, string packet);

        [LoggerMessage(4206, LogLevel.Warning, "UID 0x{Uid:X4} is not served here; answered NOT_SUPPORTED.")]
        public static partial void NotSupported(ILogger logger, ushort uid);

        [LoggerMessage(4207, LogLevel.Information, "SS_TEAR_DOWN: sw_id 0x{SwId:X} torn down; its measurement was removed.")]
        public static partial void TornDown(ILogger logger, uint swId);

        [LoggerMessage(4208, LogLevel.Warning, "SS_TEAR_DOWN: sw_id 0x{SwId:X} refused with BAD_PARAMETER: {Why}.")]
        public static partial void TearDownRefused(ILogger logger, uint swId, string why);

        [LoggerMessage(4209, LogLevel.Error, "SEC_AUTH: the verifier failed on sw_id 0x{SwId:X}; answered GENERIC.")]
        public static partial void VerifierFailed(ILogger logger, uint swId, Exception exception);
    }
}
