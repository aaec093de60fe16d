using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Simulator;

/// <summary>
/// The simulated TME-L's own state: FUSE_READ_MULTIPLE_ROW (0x0306), GET_STATE (0x000C), GET_ARB_VERSION (0x0009),
/// UPDATE_ARB_VER_SWID_LIST (0x000D) and LOOPBACK_TEST (0xFF01), all inline structs. Served on its announced endpoint
/// and at rpmsg address 0.
/// </summary>
/// <remarks>
/// Follows tmelcom-services.md §5.3: one inline reply per request repeating the request's words, every out field
/// written (status always, so no client preset survives), used lengths never above a buffer's capacity, protocol
/// failures (wrong form or size) in the header <c>response</c>, service failures in <c>status</c>. Every pointer and length
/// from the peer is checked against the shared memory before anything is read. docs/device-services.md has the choices.
/// </remarks>
internal sealed partial class DeviceService : ITmelcomHandler
{
    /// <summary>The patch-version text GET_STATE returns (ASCII, no NUL; U-Boot terminates it itself).</summary>
    public const string PatchVersion = "TMEL-SIM 1.0 (TmelRpmsg simulated TME-L)";

    /// <summary>GET_STATE bit 0, <c>tme_patch_status</c>: 1, a patch (the simulator's build) is applied.</summary>
    public const uint PatchStatusBit = 1;

    /// <summary>GET_STATE bit 1, <c>tme_mode</c>: 1, mission (secure) mode; the simulator never runs in debug mode.</summary>
    public const uint MissionModeBit = 2;

    private readonly IRpmsgSharedMemory _memory;
    private readonly FuseMap _fuses;
    private readonly AntiRollbackStore _antiRollback;
    private readonly MeasurementStore _measurements;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    /// <param name="memory">The shared memory the structs and buffers live in.</param>
    /// <param name="fuses">The device's fuse map.</param>
    /// <param name="antiRollback">The device's committed anti-rollback versions.</param>
    /// <param name="measurements">The images the subsystem this service answers has authenticated: what its commits commit.</param>
    /// <param name="logger">The logger.</param>
    public DeviceService(IRpmsgSharedMemory memory, FuseMap fuses, AntiRollbackStore antiRollback, MeasurementStore measurements, ILogger logger)
    {
        _memory = memory;
        _fuses = fuses;
        _antiRollback = antiRollback;
        _measurements = measurements;
        _logger = logger;
    }

    public IReadOnlyCollection<ushort> Uids { get; } =
        [TmelcomUid.FuseReadMultipleRow, TmelcomUid.GetState, TmelcomUid.GetArbVersion, TmelcomUid.UpdateArbVersionSwIdList, TmelcomUid.LoopbackTest];

    public void Handle(ReadOnlySpan<byte> request, uint source, Span<byte> reply)
    {
        if (!TmelcomReplies.TryDecode(request, reply, out TmelcomPacket packet))
        {
            return;
        }

        int expected = packet.Uid switch
        {
            TmelcomUid.FuseReadMultipleRow => FuseReadMessage.MessageSize,
            TmelcomUid.GetState => GetStateMessage.MessageSize,
            TmelcomUid.GetArbVersion => ArbVersionMessage.MessageSize,
            TmelcomUid.UpdateArbVersionSwIdList => ArbCommitMessage.MessageSize,
            TmelcomUid.LoopbackTest => packet.MessageLength == LoopbackMessage.ShortSize ? LoopbackMessage.ShortSize : LoopbackMessage.MessageSize,
            _ => -1,
        };
        if (expected < 0)
        {
            TmelcomReplies.Refuse(packet, TmelStatus.NotSupported, reply);
            return;
        }

        if (packet.IpcType != TmelcomIpcType.MailboxOnly || packet.MessageLength != expected)
        {
            Log.WrongForm(_logger, packet.ToString());
            TmelcomReplies.Refuse(packet, TmelStatus.BadMessage, reply);
            return;
        }

        Span<byte> message = stackalloc byte[TmelcomPacket.MaxInlineLength];
        message.Clear();
        packet.CopyInlineMessageTo(message);
        int length;
        lock (_lock)
        {
            length = packet.Uid switch
            {
                TmelcomUid.FuseReadMultipleRow => ReadFuses(message),
                TmelcomUid.GetState => GetState(message),
                TmelcomUid.GetArbVersion => GetArbVersion(message),
                TmelcomUid.UpdateArbVersionSwIdList => CommitArbVersions(message),
                _ => Loopback(message),
            };
        }

        TmelcomPacket.Encode(TmelcomPacket.CreateInline(packet.Uid, message[..length]), reply);
    }

    private int ReadFuses(Span<byte> bytes)
    {
        FuseReadMessage message = FuseReadMessage.Decode(bytes[..FuseReadMessage.MessageSize]);
        TmelcomBuffer buffer = message.Entries;
        TmelStatus status;
        uint written = 0;
        if (buffer.Length is 0 or > FuseReadMessage.MaxEntries * FuseEntry.Size || buffer.Length % FuseEntry.Size != 0)
        {
            status = Refused("FUSE_READ_MULTIPLE_ROW", TmelStatus.BadParameter, $"the entry array is {buffer.Length} bytes; 1..{FuseReadMessage.MaxEntries} entries of {FuseEntry.Size} are accepted");
        }
        else
        {
            Span<byte> array = stackalloc byte[FuseReadMessage.MaxEntries * FuseEntry.Size];
            array = array[..(int)buffer.Length];
            if (!TryRead(buffer.Address, array))
            {
                status = Refused("FUSE_READ_MULTIPLE_ROW", TmelStatus.BadAddress, $"the entry array 0x{buffer.Address:X8}+{buffer.Length} is not inside one shared-memory buffer");
            }
            else
            {
                FuseEntry[] entries = FuseEntry.DecodeList(array);
                int unknown = 0;
                for (int i = 0; i < entries.Length; i++)
                {
                    bool known = _fuses.TryRead(entries[i].Address, out ulong value);
                    unknown += known ? 0 : 1;
                    entries[i] = entries[i] with { Low = (uint)value, High = (uint)(value >> 32) };
                }

                FuseEntry.EncodeList(entries, array);
                if (!TryWrite(buffer.Address, array))
                {
                    status = Refused("FUSE_READ_MULTIPLE_ROW", TmelStatus.BadAddress, "the entry array was freed while it was answered");
                }
                else
                {
                    written = buffer.Length;
                    status = unknown == 0
                        ? TmelStatus.Success
                        : Refused("FUSE_READ_MULTIPLE_ROW", TmelStatus.BadParameter, $"{unknown} of {entries.Length} fuse addresses are not in the map (read as 0)");
                    Log.FusesRead(_logger, entries.Length, unknown);
                }
            }
        }

        FuseReadMessage.Encode(message with { Status = (uint)status, OutLength = written }, bytes);
        return FuseReadMessage.MessageSize;
    }

    private int GetState(Span<byte> bytes)
    {
        GetStateMessage message = GetStateMessage.Decode(bytes[..GetStateMessage.MessageSize]);
        TmelcomBuffer buffer = message.PatchVersion;
        byte[] text = Encoding.ASCII.GetBytes(PatchVersion);
        TmelStatus status;
        uint used = 0;
        if (buffer.Length <= text.Length)
        {
            // length_used must stay below length: U-Boot's SPL writes a NUL at length_used.
            status = Refused("GET_STATE", TmelStatus.BadParameter, $"the patch-version buffer holds {buffer.Length} bytes; the text needs {text.Length + 1}");
        }
        else if (!_memory.IsAllocatedRange(buffer.Address, buffer.Length) || !TryWrite(buffer.Address, text))
        {
            status = Refused("GET_STATE", TmelStatus.BadAddress, $"the patch-version buffer 0x{buffer.Address:X8}+{buffer.Length} is not inside one shared-memory buffer");
        }
        else
        {
            status = TmelStatus.Success;
            used = (uint)text.Length;
        }

        GetStateMessage.Encode(message with { State = PatchStatusBit | MissionModeBit, LengthUsed = used, Status = (uint)status }, bytes);
        return GetStateMessage.MessageSize;
    }

    private int GetArbVersion(Span<byte> bytes)
    {
        ArbVersionMessage message = ArbVersionMessage.Decode(bytes[..ArbVersionMessage.MessageSize]);
        bool committed = _antiRollback.TryGet(message.SwId, out uint version);
        ArbVersionMessage.Encode(message with { OemVersion = (byte)Math.Min(version, byte.MaxValue), QtiVersion = 0, OemIsValid = committed, QtiIsValid = false, Status = 0 }, bytes);
        return ArbVersionMessage.MessageSize;
    }

    private int CommitArbVersions(Span<byte> bytes)
    {
        ArbCommitMessage message = ArbCommitMessage.Decode(bytes[..ArbCommitMessage.MessageSize]);
        TmelcomBuffer buffer = message.SwIdList;
        TmelStatus status;
        if (buffer.Length is 0 or > ArbCommitMessage.MaxSwIds * 4 || buffer.Length % 4 != 0)
        {
            status = Refused("UPDATE_ARB_VER_SWID_LIST", TmelStatus.BadParameter, $"the sw_id list is {buffer.Length} bytes; 1..{ArbCommitMessage.MaxSwIds} u32 are accepted");
        }
        else
        {
            Span<byte> list = stackalloc byte[ArbCommitMessage.MaxSwIds * 4];
            list = list[..(int)buffer.Length];
            if (!TryRead(buffer.Address, list))
            {
                status = Refused("UPDATE_ARB_VER_SWID_LIST", TmelStatus.BadAddress, $"the sw_id list 0x{buffer.Address:X8}+{buffer.Length} is not inside one shared-memory buffer");
            }
            else
            {
                uint[] swIds = new uint[list.Length / 4];
                for (int i = 0; i < swIds.Length; i++)
                {
                    swIds[i] = BinaryPrimitives.ReadUInt32LittleEndian(list[(i * 4)..]);
                }

                string? why = _antiRollback.Commit(swIds, _measurements);
                status = why is null ? TmelStatus.Success : Refused("UPDATE_ARB_VER_SWID_LIST", TmelStatus.BadParameter, why);
                if (why is null)
                {
                    Log.Committed(_logger, swIds.Length);
                }
            }
        }

        ArbCommitMessage.Encode(message with { Status = (uint)status }, bytes);
        return ArbCommitMessage.MessageSize;
    }

    private static int Loopback(Span<byte> bytes)
    {
        LoopbackMessage message = LoopbackMessage.Decode(bytes[..LoopbackMessage.MessageSize]);
        LoopbackMessage.Encode(message with { Result = unchecked(message.Value1 + message.Value2) }, bytes);
        return LoopbackMessage.MessageSize;
    }

    private TmelStatus Refused(string what, TmelStatus status, string why)
    {
        Log.Refused(_logger, what, status, why);
        return status;
    }

    private bool TryRead(uint busAddress, Span<byte> destination) => ClientMemory.TryReadAllocated(_memory, busAddress, destination);

    private bool TryWrite(uint busAddress, ReadOnlySpan<byte> source) => ClientMemory.TryWrite(_memory, busAddress, source);

    /// <summary>Event ids 4400-4449: the device service.</summary>
    private static partial class Log
    {
        [LoggerMessage(4400, LogLevel.Warning, "{Packet} has the wrong form for its UID; answered BAD_MESSAGE.")]
        public static partial void WrongForm(ILogger logger, string packet);

        [LoggerMessage(4401, LogLevel.Warning, "{What} refused with {Status}: {Why}.")]
        public static partial void Refused(ILogger logger, string what, TmelStatus status, string why);

        [LoggerMessage(4402, LogLevel.Debug, "FUSE_READ_MULTIPLE_ROW: {Count} rows read, {Unknown} not in the map.")]
        public static partial void FusesRead(ILogger logger, int count, int unknown);

        [LoggerMessage(4403, LogLevel.Information, "UPDATE_ARB_VER_SWID_LIST: the versions of {Count} images committed.")]
        public static partial void Committed(ILogger logger, int count);
    }
}
