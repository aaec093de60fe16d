using System.Buffers;
using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.Internal;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.ImageAuth;

/// <summary>
/// The typed client of TME-L's image-authentication service on one rpmsg device (<see cref="ImageAuthDriver.ChannelName"/>):
/// SEC_AUTH authenticates a loaded image, SS_TEAR_DOWN releases it.
/// </summary>
/// <remarks>
/// <para>
/// Get one from <see cref="RpmsgClientDriver{TClient}.WaitForClientAsync(CancellationToken)"/>. The client works on any rpmsg transport: it speaks
/// TMELCOM on the device's endpoint and puts what does not fit in a packet into the <see cref="IRpmsgSharedMemory"/> it
/// was given. Every shared-memory buffer a call allocates is freed before the call returns, whatever the outcome, except
/// when the call is abandoned (cancelled, timed out) after its request may have reached TME-L: TME-L may still write its
/// answer into them, so they are freed once its late reply arrived, the link or device went away, or
/// <see cref="TmelClientOptions.LateReplyHold"/> passed (docs/late-replies.md).
/// </para>
/// <para>
/// Thread-safe: one request is in flight per client, later calls wait their turn (their token ends the wait). Failures:
/// TME-L's own answer is a <see cref="TmelServiceException"/> carrying the UID, the status and the extended error; no
/// answer within <see cref="TmelClientOptions.ResponseTimeout"/> is an <see cref="RpmsgTimeoutException"/> with
/// <see cref="RpmsgError.ResponseTimeout"/>; a device that goes away fails pending and later calls with
/// <see cref="RpmsgEndpointClosedException"/> (<see cref="RpmsgError.DeviceRemoved"/>), after which the driver offers a
/// new client once the service is announced again; cancellation is the caller's <see cref="OperationCanceledException"/>.
/// </para>
/// <para>Members are virtual, and a protected constructor exists, so that application code can be tested with a fake.</para>
/// </remarks>
public partial class ImageAuthClient
{
    private readonly RpmsgDevice _device = null!;
    private readonly IRpmsgSharedMemory _memory = null!;
    private readonly RequestLane _lane = null!;
    private readonly ILogger _logger = null!;

    internal ImageAuthClient(RpmsgDevice? device, RequestLane lane, IRpmsgSharedMemory memory, ILogger logger)
    {
        _device = device!;
        _memory = memory;
        _logger = logger;
        _lane = lane;
    }

    internal RequestLane Lane => _lane;

    /// <summary>Initializes a client that is not bound to a device, for test doubles.</summary>
    protected ImageAuthClient()
    {
    }

    /// <summary>Gets the rpmsg device the client talks to; <see langword="null"/> for a client at address 0 (<see cref="TmelcomAddressZeroClient"/>).</summary>
    public virtual RpmsgDevice? Device => _device;

    /// <summary>Authenticates a loaded image: SEC_AUTH with the image's metadata and the memory it was loaded into.</summary>
    /// <param name="swId">The software id (the RFC's <c>sw_id</c>, the PAS id); the image's common metadata must name the same.</param>
    /// <param name="metadata">The metadata blob: ELF header and program headers followed by the hash segment (Linux's <c>qcom_mdt_read_metadata</c>).</param>
    /// <param name="loadBase">
    /// The physical address <paramref name="loadedImage"/>'s first byte stands for: the lowest <c>p_paddr</c> of the image's
    /// loadable segments, rounded down to 4 KiB. Segments are expected at <c>p_paddr - loadBase</c> in <paramref name="loadedImage"/>.
    /// </param>
    /// <param name="loadedImage">The carve-out as the loader filled it: every segment's file bytes at its offset, zeros elsewhere.</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>What TME-L reported: the entry address and the first segment's address and length.</returns>
    /// <remarks>
    /// The metadata, the carve-out, a one-entry region list <c>{carve-out bus address, length}</c> and the 44-byte SEC_AUTH
    /// struct are put in shared memory; <c>relocate</c> is 0 when the carve-out landed at <paramref name="loadBase"/> itself
    /// (the image's addresses are bus addresses) and 1 otherwise (TME-L reads each segment at its offset from the
    /// carve-out). The answer is written by TME-L into the struct in place. See docs/image-auth.md.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metadata"/> or <paramref name="loadedImage"/> is empty, or the carve-out would run past the 32-bit address space.</exception>
    /// <exception cref="TmelServiceException">TME-L refused the request or the image; <see cref="TmelServiceException.Status"/> and <see cref="TmelServiceException.ExtendedError"/> say why (docs/image-auth.md has the table).</exception>
    /// <exception cref="RpmsgSharedMemoryException">The shared memory has no room for the buffers (<see cref="RpmsgSharedMemoryError.OutOfMemory"/>).</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout (<see cref="RpmsgError.ResponseTimeout"/>), no transmit room (<see cref="RpmsgError.TxTimeout"/>), or earlier abandoned requests still wait for their late replies (<see cref="RpmsgError.LateReplyPending"/>; the request was not sent).</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed TMELCOM reply.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task<ImageAuthResult> AuthenticateAsync(uint swId, ReadOnlyMemory<byte> metadata, ulong loadBase, ReadOnlyMemory<byte> loadedImage, CancellationToken cancellationToken = default) =>
        (await AuthenticateCoreAsync(swId, metadata, loadBase, loadedImage.Length, carveOut => carveOut.Write(0, loadedImage.Span), nameof(loadedImage), flags: null, cancellationToken).ConfigureAwait(false)).Image;

    /// <summary>
    /// Authenticates a parsed TSIM-MBN7 image as <paramref name="swId"/>: its metadata, and the carve-out filled straight from
    /// the image's file into shared memory (no carve-out copy is allocated, unlike <see cref="TsimImage.CreateLoadImage"/>).
    /// </summary>
    /// <param name="image">The image; <see cref="TsimImage.Metadata"/>, <see cref="TsimImage.LoadBase"/> and its segments give the request.</param>
    /// <param name="swId">The software id to authenticate as (the RFC's <c>sw_id</c>); the image's common metadata must name the same.</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>What TME-L reported: the entry address and the first segment's address and length.</returns>
    /// <remarks>Sends what <see cref="AuthenticateAsync(uint, ReadOnlyMemory{byte}, ulong, ReadOnlyMemory{byte}, CancellationToken)"/> sends with the image's carve-out.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The image has no loadable segment, or its carve-out runs past the 32-bit address space.</exception>
    /// <exception cref="TmelServiceException">TME-L refused the request or the image; <see cref="TmelServiceException.Status"/> and <see cref="TmelServiceException.ExtendedError"/> say why.</exception>
    /// <exception cref="RpmsgSharedMemoryException">The shared memory has no room for the buffers (<see cref="RpmsgSharedMemoryError.OutOfMemory"/>).</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout (<see cref="RpmsgError.ResponseTimeout"/>), or no transmit room (<see cref="RpmsgError.TxTimeout"/>).</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed TMELCOM reply.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task<ImageAuthResult> AuthenticateAsync(TsimImage image, uint swId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return (await AuthenticateCoreAsync(swId, image.Metadata, image.LoadBase, image.LoadSize, carveOut => FillCarveOut(carveOut, image), nameof(image), flags: null, cancellationToken).ConfigureAwait(false)).Image;
    }

    /// <summary>
    /// Authenticates a parsed TSIM-MBN7 image with SEC_AUTH_V2 (UID 0x000F): the SEC_AUTH request plus the integrity-check flag,
    /// answered with TME-L's key handle.
    /// </summary>
    /// <param name="image">The image; its metadata, load base and segments give the request as for <see cref="AuthenticateAsync(TsimImage, uint, CancellationToken)"/>.</param>
    /// <param name="swId">The software id to authenticate as.</param>
    /// <param name="integrityCheck">Sets bit 0 of <c>flags</c>, <c>ns_integrity_check</c> (U-Boot's SPL always sets it); bits 1..31 and <c>reserved_buf</c> are sent as 0.</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>What TME-L reported, with the <c>key_handle</c> word (the simulator writes 0: docs/device-services.md).</returns>
    /// <remarks>The 60-byte struct (tmelcom-services.md §3.1) goes the SRAM path; TME-L writes the six response words in place.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The image has no loadable segment, or its carve-out runs past the 32-bit address space.</exception>
    /// <exception cref="TmelServiceException">TME-L refused the request or the image (<see cref="TmelServiceException.Uid"/> 0x000F); <see cref="TmelServiceException.Status"/> and <see cref="TmelServiceException.ExtendedError"/> say why.</exception>
    /// <exception cref="RpmsgSharedMemoryException">The shared memory has no room for the buffers (<see cref="RpmsgSharedMemoryError.OutOfMemory"/>).</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout (<see cref="RpmsgError.ResponseTimeout"/>), or no transmit room (<see cref="RpmsgError.TxTimeout"/>).</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed TMELCOM reply.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task<ImageAuthV2Result> AuthenticateV2Async(TsimImage image, uint swId, bool integrityCheck = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        (ImageAuthResult result, uint keyHandle) = await AuthenticateCoreAsync(
            swId, image.Metadata, image.LoadBase, image.LoadSize, carveOut => FillCarveOut(carveOut, image), nameof(image),
            integrityCheck ? SecAuthV2Message.IntegrityCheckFlag : 0u, cancellationToken).ConfigureAwait(false);
        return new ImageAuthV2Result(result, integrityCheck, keyHandle);
    }

    /// <summary>SEC_AUTH_V2 of a loaded image given as metadata and carve-out (see <see cref="AuthenticateAsync(uint, ReadOnlyMemory{byte}, ulong, ReadOnlyMemory{byte}, CancellationToken)"/> for the parameters).</summary>
    /// <param name="swId">The software id.</param>
    /// <param name="metadata">The metadata blob.</param>
    /// <param name="loadBase">The physical address the carve-out's first byte stands for.</param>
    /// <param name="loadedImage">The carve-out.</param>
    /// <param name="integrityCheck">Sets <c>ns_integrity_check</c> (bit 0 of <c>flags</c>).</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>What TME-L reported, with the <c>key_handle</c> word.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metadata"/> or <paramref name="loadedImage"/> is empty, or the carve-out would run past the 32-bit address space.</exception>
    /// <exception cref="TmelServiceException">TME-L refused the request or the image (UID 0x000F).</exception>
    /// <exception cref="RpmsgSharedMemoryException">The shared memory has no room for the buffers.</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout, or no transmit room.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed TMELCOM reply.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task<ImageAuthV2Result> AuthenticateV2Async(uint swId, ReadOnlyMemory<byte> metadata, ulong loadBase, ReadOnlyMemory<byte> loadedImage, bool integrityCheck = true, CancellationToken cancellationToken = default)
    {
        (ImageAuthResult result, uint keyHandle) = await AuthenticateCoreAsync(
            swId, metadata, loadBase, loadedImage.Length, carveOut => carveOut.Write(0, loadedImage.Span), nameof(loadedImage),
            integrityCheck ? SecAuthV2Message.IntegrityCheckFlag : 0u, cancellationToken).ConfigureAwait(false);
        return new ImageAuthV2Result(result, integrityCheck, keyHandle);
    }

    /// <summary>SEC_AUTH (<paramref name="flags"/> null) or SEC_AUTH_V2 with that flag word; returns the result and V2's key handle (0 for SEC_AUTH).</summary>
    private async Task<(ImageAuthResult Image, uint KeyHandle)> AuthenticateCoreAsync(uint swId, ReadOnlyMemory<byte> metadata, ulong loadBase, int loadLength, Action<IRpmsgSharedBuffer> fillCarveOut, string imageName, uint? flags, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(metadata.Length, nameof(metadata));
        ArgumentOutOfRangeException.ThrowIfZero(loadLength, imageName);
        if (loadBase + (ulong)loadLength > 1UL << 32)
        {
            throw new ArgumentOutOfRangeException(nameof(loadBase), loadBase, $"A {loadLength}-byte image at 0x{loadBase:X} runs past the 32-bit address space.");
        }

        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        var buffers = new RequestBuffers(_memory);
        try
        {
            IRpmsgSharedBuffer elf = buffers.Allocate(metadata.Length);
            IRpmsgSharedBuffer carveOut = buffers.Allocate(loadLength);
            IRpmsgSharedBuffer regionList = buffers.Allocate(SecAuthRegionList.EntrySize);
            int messageSize = flags is null ? SecAuthRequest.MessageSize : SecAuthV2Message.MessageSize;
            ushort uid = flags is null ? SecAuthRequest.Uid : SecAuthV2Message.Uid;
            IRpmsgSharedBuffer message = buffers.Allocate(messageSize);
            uint relocate = carveOut.BusAddress == loadBase ? 0u : 1u;
            var request = new SecAuthRequest(
                swId,
                new TmelcomBuffer(elf.BusAddress, (uint)elf.Length),
                new TmelcomBuffer(regionList.BusAddress, (uint)regionList.Length),
                relocate);
            elf.Write(0, metadata.Span);
            fillCarveOut(carveOut);
            WriteRequest(regionList, message, new SecAuthRegion(carveOut.BusAddress, (uint)carveOut.Length), request, flags);
            Log.Authenticating(_logger, swId, metadata.Length, loadLength, relocate);

            TmelcomPacket reply = await TmelcomExchange.ExchangeAsync(
                turn,
                TmelcomPacket.CreateSram(uid, message.BusAddress, (uint)messageSize),
                buffers,
                cancellationToken).ConfigureAwait(false);
            (SecAuthResponse response, uint keyHandle) = ReadResponse(reply, message, flags is not null);
            Log.Authenticated(_logger, swId, response.EntryAddress);
            return (new ImageAuthResult(swId, response.EntryAddress, response.FirstSegmentAddress, response.FirstSegmentLength), keyHandle);
        }
        catch (TmelServiceException ex)
        {
            Log.Refused(_logger, ex.Uid, swId, ex.Status, ex.ExtendedError);
            throw;
        }
        finally
        {
            // Nothing left to free when the request was abandoned: the lane holds its buffers until TME-L is done with them.
            buffers.Release();
        }
    }

    /// <summary>Authenticates a parsed TSIM-MBN7 image: its metadata and the carve-out the loader fills from it, as its own software id.</summary>
    /// <param name="image">The image; <see cref="TsimImage.SoftwareId"/>, <see cref="TsimImage.Metadata"/>, <see cref="TsimImage.LoadBase"/> and its segments give the request.</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>What TME-L reported: the entry address and the first segment's address and length.</returns>
    /// <remarks>Equivalent to <see cref="AuthenticateAsync(TsimImage, uint, CancellationToken)"/> with the image's own software id.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The image has no loadable segment, or its carve-out runs past the 32-bit address space.</exception>
    /// <exception cref="TmelServiceException">TME-L refused the request or the image; <see cref="TmelServiceException.Status"/> and <see cref="TmelServiceException.ExtendedError"/> say why.</exception>
    /// <exception cref="RpmsgSharedMemoryException">The shared memory has no room for the buffers (<see cref="RpmsgSharedMemoryError.OutOfMemory"/>).</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout (<see cref="RpmsgError.ResponseTimeout"/>), no transmit room (<see cref="RpmsgError.TxTimeout"/>), or earlier abandoned requests still wait for their late replies (<see cref="RpmsgError.LateReplyPending"/>; the request was not sent).</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed TMELCOM reply.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual Task<ImageAuthResult> AuthenticateAsync(TsimImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return AuthenticateAsync(image, image.SoftwareId, cancellationToken);
    }

    /// <summary>Releases an authenticated image: SS_TEAR_DOWN (sent inline, with <c>status</c> preset to 1 as the RFC does).</summary>
    /// <param name="swId">The software id the image was authenticated as.</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>A task that completes when TME-L confirmed the tear-down.</returns>
    /// <exception cref="TmelServiceException">TME-L refused, for example <see cref="TmelStatus.BadParameter"/> for an sw_id that is not authenticated.</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout (<see cref="RpmsgError.ResponseTimeout"/>), no transmit room (<see cref="RpmsgError.TxTimeout"/>), or earlier abandoned requests still wait for their late replies (<see cref="RpmsgError.LateReplyPending"/>; the request was not sent).</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed TMELCOM reply.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task TearDownAsync(uint swId, CancellationToken cancellationToken = default)
    {
        byte[] message = new byte[TearDownRequest.MessageSize];
        TearDownRequest.Encode(new TearDownRequest(swId), message);
        TmelcomPacket request = TmelcomPacket.CreateInline(TearDownRequest.Uid, message);

        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TmelcomPacket reply = await TmelcomExchange.ExchangeAsync(turn, request, buffers: null, cancellationToken).ConfigureAwait(false);
            reply.ThrowIfFailed();
            if (reply.IpcType != TmelcomIpcType.MailboxOnly || reply.MessageLength < TearDownRequest.MessageSize)
            {
                throw new RpmsgProtocolException($"The SS_TEAR_DOWN reply is not an inline packet carrying the {TearDownRequest.MessageSize}-byte struct: {reply}.");
            }

            byte[] answer = new byte[TmelcomPacket.MaxInlineLength];
            reply.CopyInlineMessageTo(answer);
            TearDownResponse.Decode(answer.AsSpan(0, TearDownRequest.MessageSize)).ThrowIfFailed();
            Log.TornDown(_logger, swId);
        }
        catch (TmelServiceException ex)
        {
            Log.Refused(_logger, ex.Uid, swId, ex.Status, ex.ExtendedError);
            throw;
        }
    }

    private static void WriteRequest(IRpmsgSharedBuffer regionList, IRpmsgSharedBuffer message, SecAuthRegion carveOut, SecAuthRequest request, uint? flags)
    {
        Span<byte> bytes = stackalloc byte[SecAuthV2Message.MessageSize];
        SecAuthRegionList.Encode([carveOut], bytes);
        regionList.Write(0, bytes[..SecAuthRegionList.EntrySize]);
        if (flags is { } v2)
        {
            // Reserved words and response words go out as zero (U-Boot leaves garbage there; we do not).
            SecAuthV2Message.Encode(new SecAuthV2Message(request, v2, default, default, 0), bytes);
            message.Write(0, bytes);
            return;
        }

        bytes = bytes[..SecAuthRequest.MessageSize];
        SecAuthRequest.Encode(request, bytes);
        message.Write(0, bytes);
    }

    private static (SecAuthResponse Response, uint KeyHandle) ReadResponse(TmelcomPacket reply, IRpmsgSharedBuffer message, bool v2)
    {
        reply.ThrowIfFailed();
        if (reply.IpcType != TmelcomIpcType.Sram)
        {
            throw new RpmsgProtocolException($"The {(v2 ? "SEC_AUTH_V2" : "SEC_AUTH")} reply is not a pointer packet: {reply}.");
        }

        if (v2)
        {
            Span<byte> v2Bytes = stackalloc byte[SecAuthV2Message.MessageSize];
            message.Read(0, v2Bytes);
            SecAuthV2Message answer = SecAuthV2Message.Decode(v2Bytes);
            TmelStatusTable.ThrowIfFailed(SecAuthV2Message.Uid, answer.Response.Status, answer.Response.ExtendedError);
            return (answer.Response, answer.KeyHandle);
        }

        Span<byte> bytes = stackalloc byte[SecAuthRequest.MessageSize];
        message.Read(0, bytes);
        SecAuthResponse response = SecAuthResponse.Decode(bytes);
        response.ThrowIfFailed();
        return (response, 0);
    }

    /// <summary>Writes the image's carve-out into <paramref name="carveOut"/> through one pooled chunk: segment bytes, zeros elsewhere.</summary>
    private static void FillCarveOut(IRpmsgSharedBuffer carveOut, TsimImage image)
    {
        const int ChunkSize = 64 * 1024;
        ITsimLoadedMemory memory = image.CreateLoadedMemory();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            for (int offset = 0; offset < image.LoadSize; offset += ChunkSize)
            {
                Span<byte> part = chunk.AsSpan(0, Math.Min(ChunkSize, image.LoadSize - offset));
                memory.TryRead(image.LoadBase + (ulong)offset, part); // inside the carve-out by construction
                carveOut.Write(offset, part);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
