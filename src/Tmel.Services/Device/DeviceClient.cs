using System.Buffers.Binary;
using System.Text;
using Rpmsg.Core;
using Tmel.Services.Internal;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Device;

/// <summary>
/// The typed client of TME-L's device service on one rpmsg device (<see cref="DeviceDriver.ChannelName"/>) or at rpmsg
/// address 0 (<see cref="TmelcomAddressZeroClient.Device"/>): fuse rows, TME-L state, anti-rollback versions and the
/// loopback test. docs/device-services.md.
/// </summary>
/// <remarks>
/// Requests run on the request lane (docs/late-replies.md): one at a time, an abandoned request's buffers held until TME-L
/// can no longer write into them. Members are virtual, and a protected constructor exists, for test doubles.
/// </remarks>
public class DeviceClient
{
    private readonly RequestLane _lane = null!;
    private readonly IRpmsgSharedMemory _memory = null!;

    internal DeviceClient(RpmsgDevice? device, RequestLane lane, IRpmsgSharedMemory memory)
    {
        Device = device;
        _lane = lane;
        _memory = memory;
    }

    /// <summary>Initializes a client that is not bound to a device, for test doubles.</summary>
    protected DeviceClient()
    {
    }

    /// <summary>Gets the rpmsg device the client talks to; <see langword="null"/> at address 0.</summary>
    public virtual RpmsgDevice? Device { get; }

    /// <summary>Reads fuse rows: FUSE_READ_MULTIPLE_ROW with an entry array in shared memory.</summary>
    /// <param name="addresses">1 to 14 fuse row addresses.</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>One entry per address, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="addresses"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Not 1 to 14 addresses.</exception>
    /// <exception cref="TmelServiceException">TME-L refused, for example <see cref="TmelStatus.BadParameter"/> for an address its fuse map does not hold.</exception>
    /// <exception cref="RpmsgSharedMemoryException">The shared memory has no room for the array.</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout, or no transmit room.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed reply.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task<IReadOnlyList<FuseEntry>> ReadFusesAsync(IReadOnlyList<uint> addresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentOutOfRangeException.ThrowIfLessThan(addresses.Count, 1, nameof(addresses));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(addresses.Count, FuseReadMessage.MaxEntries, nameof(addresses));
        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        var buffers = new RequestBuffers(_memory);
        try
        {
            int length = addresses.Count * FuseEntry.Size;
            IRpmsgSharedBuffer array = buffers.Allocate(length);
            byte[] entries = new byte[length];
            FuseEntry.EncodeList([.. addresses.Select(a => new FuseEntry(a, 0, 0))], entries);
            array.Write(0, entries);
            byte[] message = new byte[FuseReadMessage.MessageSize];
            FuseReadMessage.Encode(FuseReadMessage.CreateRequest(new TmelcomBuffer(array.BusAddress, (uint)length)), message);
            byte[] answer = await InlineExchange.ExchangeAsync(turn, FuseReadMessage.Uid, message, buffers, cancellationToken).ConfigureAwait(false);
            InlineExchange.ThrowIfFailed(FuseReadMessage.Uid, FuseReadMessage.Decode(answer).Status);
            array.Read(0, entries);
            return FuseEntry.DecodeList(entries);
        }
        finally
        {
            buffers.Release();
        }
    }

    /// <summary>Reads TME-L's state and patch version: GET_STATE with a 128-byte text buffer, as U-Boot sends it.</summary>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>The state.</returns>
    /// <exception cref="TmelServiceException">TME-L refused.</exception>
    /// <exception cref="RpmsgSharedMemoryException">The shared memory has no room for the buffer.</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout, or no transmit room.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed reply, or reported more text than the buffer holds.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task<DeviceState> GetStateAsync(CancellationToken cancellationToken = default)
    {
        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        var buffers = new RequestBuffers(_memory);
        try
        {
            IRpmsgSharedBuffer text = buffers.Allocate(GetStateMessage.PatchVersionLength);
            byte[] message = new byte[GetStateMessage.MessageSize];
            GetStateMessage.Encode(GetStateMessage.CreateRequest(new TmelcomBuffer(text.BusAddress, GetStateMessage.PatchVersionLength)), message);
            byte[] answer = await InlineExchange.ExchangeAsync(turn, GetStateMessage.Uid, message, buffers, cancellationToken).ConfigureAwait(false);
            GetStateMessage reply = GetStateMessage.Decode(answer);
            InlineExchange.CheckUsed(GetStateMessage.Uid, reply.LengthUsed, GetStateMessage.PatchVersionLength); // U-Boot checks this first
            InlineExchange.ThrowIfFailed(GetStateMessage.Uid, reply.Status);
            byte[] bytes = new byte[reply.LengthUsed];
            text.Read(0, bytes);
            return new DeviceState(reply.State, Encoding.ASCII.GetString(bytes));
        }
        finally
        {
            buffers.Release();
        }
    }

    /// <summary>Reads an image's anti-rollback versions: GET_ARB_VERSION.</summary>
    /// <param name="swId">The software id.</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>The answered struct: <see cref="ArbVersionMessage.OemVersion"/> and whether it is valid (committed).</returns>
    /// <exception cref="TmelServiceException">TME-L refused.</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout, or no transmit room.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed reply.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task<ArbVersionMessage> GetArbVersionAsync(uint swId, CancellationToken cancellationToken = default)
    {
        byte[] message = new byte[ArbVersionMessage.MessageSize];
        ArbVersionMessage.Encode(ArbVersionMessage.CreateRequest(swId), message);
        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        byte[] answer = await InlineExchange.ExchangeAsync(turn, ArbVersionMessage.Uid, message, buffers: null, cancellationToken).ConfigureAwait(false);
        ArbVersionMessage reply = ArbVersionMessage.Decode(answer);
        InlineExchange.ThrowIfFailed(ArbVersionMessage.Uid, reply.Status);
        return reply;
    }

    /// <summary>Commits the anti-rollback versions of the listed (currently authenticated) images: UPDATE_ARB_VER_SWID_LIST.</summary>
    /// <param name="swIds">1 to 64 software ids.</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>A task that completes when TME-L committed them; from then on an older image of those ids is refused.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="swIds"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Not 1 to 64 software ids.</exception>
    /// <exception cref="TmelServiceException">TME-L refused, for example <see cref="TmelStatus.BadParameter"/> for an id that is not authenticated (nothing is committed then).</exception>
    /// <exception cref="RpmsgSharedMemoryException">The shared memory has no room for the list.</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout, or no transmit room.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed reply.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task CommitArbVersionsAsync(IReadOnlyList<uint> swIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(swIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(swIds.Count, 1, nameof(swIds));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(swIds.Count, ArbCommitMessage.MaxSwIds, nameof(swIds));
        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        var buffers = new RequestBuffers(_memory);
        try
        {
            byte[] list = new byte[swIds.Count * 4];
            for (int i = 0; i < swIds.Count; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(list.AsSpan(i * 4), swIds[i]);
            }

            IRpmsgSharedBuffer buffer = buffers.Allocate(list.Length);
            buffer.Write(0, list);
            byte[] message = new byte[ArbCommitMessage.MessageSize];
            ArbCommitMessage.Encode(new ArbCommitMessage(new TmelcomBuffer(buffer.BusAddress, (uint)list.Length), 0), message);
            byte[] answer = await InlineExchange.ExchangeAsync(turn, ArbCommitMessage.Uid, message, buffers, cancellationToken).ConfigureAwait(false);
            InlineExchange.ThrowIfFailed(ArbCommitMessage.Uid, ArbCommitMessage.Decode(answer).Status);
        }
        finally
        {
            buffers.Release();
        }
    }

    /// <summary>Asks TME-L to add two values: LOOPBACK_TEST in Linux's 12-byte layout.</summary>
    /// <param name="value1">The first operand.</param>
    /// <param name="value2">The second operand.</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>The sum TME-L wrote (32-bit, wrapping).</returns>
    /// <exception cref="TmelServiceException">TME-L refused.</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout, or no transmit room.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed reply.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task<int> LoopbackAsync(int value1, int value2, CancellationToken cancellationToken = default)
    {
        byte[] message = new byte[LoopbackMessage.MessageSize];
        LoopbackMessage.Encode(new LoopbackMessage(value1, value2, 0), message);
        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        byte[] answer = await InlineExchange.ExchangeAsync(turn, LoopbackMessage.Uid, message, buffers: null, cancellationToken).ConfigureAwait(false);
        return LoopbackMessage.Decode(answer).Result;
    }
}
