using System.Buffers.Binary;
using Rpmsg.Core;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tests.ImageAuth.Images;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.ImageAuth;

public class ImageAuthClientTests
{
    private const uint SwId = 0xD;
    private const ulong LoadBase = 0x4A40_0000;

    private static readonly byte[] s_metadata = [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7))];
    private static readonly byte[] s_image = [.. Enumerable.Range(0, 5000).Select(i => (byte)(i ^ 0x5A))];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AuthenticateAsync_ServiceSucceeds_ReturnsWhatTmeWroteInPlace_AndFreesEveryBuffer()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);

        ImageAuthResult result = await rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct);

        Assert.Equal(new ImageAuthResult(SwId, 0x8600_1040, 0x8600_1000, 0x100), result);
        FakeImageAuthService.Request request = await rig.Service.Requests.Reader.ReadAsync(Ct);
        Assert.Equal(TmelcomIpcType.Sram, request.Packet.IpcType);
        Assert.Equal(SecAuthRequest.MessageSize, (int)request.Packet.PayloadLength);
        Assert.Equal("11000400", Convert.ToHexString(request.Raw, 0, 4));         // §8 SEC_AUTH word 0: 0x00040011
        Assert.Equal("2C000000", Convert.ToHexString(request.Raw, 8, 4));         // §8 word 2: 0x0000002C
        Assert.Equal(new byte[12], request.Raw[12..]);
        FakeImageAuthService.SecAuthCapture secAuth = request.SecAuth!;
        Assert.Equal(SwId, secAuth.Decoded.SwId);
        Assert.Equal(s_metadata, secAuth.Metadata);
        Assert.Equal(1u, secAuth.Decoded.Relocate);                                 // the carve-out did not land at LoadBase
        Assert.Equal(SecAuthRegionList.EntrySize, (int)secAuth.Decoded.RegionList.Length);
        Assert.Single(secAuth.Regions);
        Assert.Equal((uint)s_image.Length, secAuth.Regions[0].Size);
        Assert.Equal(s_image, secAuth.CarveOut);
        Assert.Equal(new byte[SecAuthResponse.Size], secAuth.Struct[SecAuthResponse.Offset..]); // response words sent as zero
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
        Assert.Equal(4, rig.Memory.Frees);
    }

    [Fact]
    public async Task AuthenticateAsync_TsimImage_SendsItsSoftwareIdMetadataAndCarveOut_WhichVerifyAtTheRelocatedAddress()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        byte[] signed = TsimImageSigner.Sign(TestElfWriter.SmallFirmware(is64: false), TestIdentities.ThreeLevels, TestIdentities.SignOptions());
        var image = TsimImage.Parse(signed);

        await rig.Client.AuthenticateAsync(image, Ct);

        FakeImageAuthService.SecAuthCapture secAuth = (await rig.Service.Requests.Reader.ReadAsync(Ct)).SecAuth!;
        Assert.Equal(TestIdentities.SwId, secAuth.Decoded.SwId);
        Assert.Equal(image.Metadata.ToArray(), secAuth.Metadata);
        Assert.Equal(image.CreateLoadImage(), secAuth.CarveOut);
        Assert.Equal(1u, secAuth.Decoded.Relocate);
        TsimVerificationResult verified = TsimImageVerifier.Verify(
            secAuth.Metadata, secAuth.Decoded.SwId, TestIdentities.Fuses(TestIdentities.ThreeLevels), new ArrayLoadedMemory(image.LoadBase, secAuth.CarveOut), TestIdentities.Now);
        Assert.True(verified.IsSuccess, verified.Detail);
    }

    [Fact]
    public async Task AuthenticateAsync_TsimImageAsAnotherSwId_FillsTheCarveOutFromTheFileInChunks()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct, memorySize: 1024 * 1024);
        byte[] elf = TestElfWriter.Build(false, [
            new TestSegment(0x1000_0000, TestElfWriter.Pattern(150_000, 3), 160_000),
            new TestSegment(0x1003_0000, TestElfWriter.Pattern(5_000, 4), 5_000)]);
        var image = TsimImage.Parse(TsimImageSigner.Sign(elf, TestIdentities.ThreeLevels, TestIdentities.SignOptions()));

        await rig.Client.AuthenticateAsync(image, 0x2A, Ct);

        FakeImageAuthService.SecAuthCapture secAuth = (await rig.Service.Requests.Reader.ReadAsync(Ct)).SecAuth!;
        Assert.Equal(0x2Au, secAuth.Decoded.SwId);
        Assert.Equal(image.Metadata.ToArray(), secAuth.Metadata);
        Assert.Equal(image.CreateLoadImage(), secAuth.CarveOut); // segment bytes and zero fill, across 64 KiB chunk boundaries
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
    }

    [Fact]
    public async Task AuthenticateAsync_CarveOutLandsAtLoadBase_SendsRelocateZero()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        uint carveOutAddress = rig.Memory.BaseBusAddress + (uint)((s_metadata.Length + 7) & ~7); // first fit: right after the metadata

        await rig.Client.AuthenticateAsync(SwId, s_metadata, carveOutAddress, s_image, Ct);

        FakeImageAuthService.Request request = await rig.Service.Requests.Reader.ReadAsync(Ct);
        Assert.Equal(carveOutAddress, request.SecAuth!.Regions[0].Base);
        Assert.Equal(0u, request.SecAuth.Decoded.Relocate);
    }

    [Theory]
    [InlineData(1, TmelStatus.Generic)]
    [InlineData(2, TmelStatus.NotSupported)]
    [InlineData(3, TmelStatus.BadParameter)]
    [InlineData(4, TmelStatus.BadMessage)]
    [InlineData(5, TmelStatus.BadAddress)]
    [InlineData(6, TmelStatus.TmelcomFailure)]
    [InlineData(7, TmelStatus.Busy)]
    [InlineData(-3, TmelStatus.Unknown)]
    public async Task AuthenticateAsync_PacketResponseByte_ThrowsTmelServiceException_FromThePacket(sbyte response, TmelStatus expected)
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = request => FakeImageAuthService.AnswerSecAuth(request, new SecAuthResponse(0, 0, 0, 0x77, 9), response);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct));

        Assert.Equal(TmelcomUid.SecAuth, ex.Uid);
        Assert.Equal(expected, ex.Status);
        Assert.Equal(response, ex.RawStatus);
        Assert.Equal(TmelStatusOrigin.PacketResponse, ex.Origin);
        Assert.Equal(0u, ex.ExtendedError);                                       // the struct is not read once the packet failed
        Assert.Equal(RpmsgError.RemoteServiceError, ex.Error);
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
    }

    [Theory]
    [InlineData(1u, 0x0A03u, TmelStatus.Generic)]                                   // a segment hash failed
    [InlineData(3u, 0x01u, TmelStatus.BadParameter)]
    [InlineData(7u, 0u, TmelStatus.Busy)]
    [InlineData(0u, 0x06u, TmelStatus.Success)]                                     // extended error alone is a failure, as in the RFC
    [InlineData(42u, 0u, TmelStatus.Unknown)]
    public async Task AuthenticateAsync_StatusOrExtendedError_ThrowsWithBoth(uint status, uint extendedError, TmelStatus expected)
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = request => FakeImageAuthService.AnswerSecAuth(request, new SecAuthResponse(0x1000, 0x10, 0x1040, extendedError, status));

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct));

        Assert.Equal(TmelcomUid.SecAuth, ex.Uid);
        Assert.Equal(expected, ex.Status);
        Assert.Equal(status, ex.RawStatus);
        Assert.Equal(extendedError, ex.ExtendedError);
        Assert.Equal(TmelStatusOrigin.ServiceStatus, ex.Origin);
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
    }

    [Fact]
    public async Task AuthenticateAsync_NoAnswer_ThrowsResponseTimeoutAfterThirtySeconds_AndFreesEveryBufferOnceTheHoldPassed()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = _ => null;

        Task<ImageAuthResult> call = rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct);
        await rig.Service.Requests.Reader.ReadAsync(Ct);
        rig.Time.Advance(ImageAuthClientOptions.DefaultResponseTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(call.IsCompleted);
        Assert.NotEqual(rig.Memory.Size, rig.Memory.FreeBytes);                   // TME-L may still be reading them
        rig.Time.Advance(TimeSpan.FromMilliseconds(1));

        var ex = await Assert.ThrowsAsync<RpmsgTimeoutException>(() => call);
        Assert.Equal(RpmsgError.ResponseTimeout, ex.Error);
        Assert.Equal(TimeSpan.FromSeconds(30), ex.Timeout);
        Assert.NotEqual(rig.Memory.Size, rig.Memory.FreeBytes);                   // and may still write its answer there
        rig.Time.Advance(new ImageAuthClientOptions().LateReplyHold);
        await rig.Client.Lane.WhenNoneHeldAsync(Ct);
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
    }

    [Fact]
    public async Task TearDownAsync_ConfiguredTimeout_IsHonoured()
    {
        var options = new ImageAuthClientOptions { ResponseTimeout = TimeSpan.FromSeconds(2) };
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct, options);
        rig.Service.Responder = _ => null;

        Task call = rig.Client.TearDownAsync(SwId, Ct);
        await rig.Service.Requests.Reader.ReadAsync(Ct);
        rig.Time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(call.IsCompleted);
        rig.Time.Advance(TimeSpan.FromMilliseconds(1));

        var ex = await Assert.ThrowsAsync<RpmsgTimeoutException>(() => call);
        Assert.Equal(RpmsgError.ResponseTimeout, ex.Error);
        Assert.Equal(TimeSpan.FromSeconds(2), ex.Timeout);
    }

    [Fact]
    public async Task AuthenticateAsync_CancelledWhileWaitingForAnswer_ThrowsCallersCancellation_AndHoldsTheBuffersUntilTheLateReply()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = _ => null;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        Task<ImageAuthResult> call = rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, cts.Token);
        FakeImageAuthService.Request late = await rig.Service.Requests.Reader.ReadAsync(Ct);
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.True(rig.Memory.IsAllocatedRange(late.Packet.PayloadAddress, late.Packet.PayloadLength)); // TME-L may still write there

        await rig.Service.ReplyAsync(late, FakeImageAuthService.SucceedSecAuth(late, 1, 2, 3), Ct);
        await rig.Client.Lane.WhenNoneHeldAsync(Ct);
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
        Assert.Equal(1, rig.Client.Lane.LateReplies);
    }

    [Fact]
    public async Task AuthenticateAsync_AlreadyCancelled_SendsNothing()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, new CancellationToken(true)));

        Assert.Equal(0, rig.Memory.Allocations);
        Assert.False(rig.Service.Requests.Reader.TryRead(out _));
    }

    [Fact]
    public async Task AuthenticateAsync_DeviceRemovedMidCall_ThrowsEndpointClosed_FreesBuffers_AndDriverRebindsOnReannouncement()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = _ => null;
        ImageAuthClient first = rig.Client;

        Task<ImageAuthResult> call = first.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct);
        await rig.Service.Requests.Reader.ReadAsync(Ct);
        await rig.Service.Endpoint.DisposeAsync();                                 // withdraws the announcement

        var ex = await Assert.ThrowsAsync<RpmsgEndpointClosedException>(() => call);
        Assert.Equal(RpmsgError.DeviceRemoved, ex.Error);
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
        Assert.Equal(RpmsgError.DeviceRemoved, (await Assert.ThrowsAsync<RpmsgEndpointClosedException>(() => first.TearDownAsync(SwId, Ct))).Error);
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);

        await using var replacement = new FakeImageAuthService(rig.Tme, rig.Memory);
        await replacement.StartAsync(Ct);
        ImageAuthClient second = await rig.Driver.WaitForClientAsync(Ct);
        Assert.NotSame(first, second);
        Assert.Equal(0x8600_1040u, (await second.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct)).EntryAddress);
    }

    [Fact]
    public async Task AuthenticateAsync_SecondCallWhileFirstInFlight_WaitsForTheSlot_AndIsNeverSentIfCancelled()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = _ => null;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        Task<ImageAuthResult> first = rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct);
        FakeImageAuthService.Request held = await rig.Service.Requests.Reader.ReadAsync(Ct);
        Task second = rig.Client.TearDownAsync(7, cts.Token);
        Assert.False(second.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);

        await rig.Service.ReplyAsync(held, FakeImageAuthService.SucceedSecAuth(held, 1, 2, 3), Ct);
        Assert.Equal(1u, (await first).EntryAddress);
        rig.Service.Responder = request => FakeImageAuthService.AnswerTearDown(request, 0);
        await rig.Client.TearDownAsync(8, Ct);

        FakeImageAuthService.Request next = await rig.Service.Requests.Reader.ReadAsync(Ct);
        Assert.Equal(TmelcomUid.TearDown, next.Packet.Uid);
        Assert.Equal(8u, BinaryPrimitives.ReadUInt32LittleEndian(next.Raw.AsSpan(4)));   // sw_id 7 was never sent
    }

    [Fact(Timeout = 60_000)] // a hang guard, not a timing assertion: without the request slot, answers go to the wrong caller and are dropped
    public async Task ConcurrentCalls_EachGetTheirOwnAnswer()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(ct, memorySize: 256 * 1024);
        rig.Service.Responder = request => request.Packet.Uid == TmelcomUid.SecAuth
            ? FakeImageAuthService.SucceedSecAuth(request, entryAddress: request.SecAuth!.Decoded.SwId, 0, 0)
            : FakeImageAuthService.AnswerTearDown(request, 0);

        Task<ImageAuthResult>[] calls = [.. Enumerable.Range(1, 6).Select(i => rig.Client.AuthenticateAsync((uint)i, s_metadata, LoadBase, s_image, ct))];
        Task[] tearDowns = [.. Enumerable.Range(1, 3).Select(i => rig.Client.TearDownAsync((uint)i, ct))];
        ImageAuthResult[] results = await Task.WhenAll(calls);
        await Task.WhenAll(tearDowns);

        Assert.Equal([1u, 2u, 3u, 4u, 5u, 6u], results.Select(r => r.EntryAddress));
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
    }

    [Fact]
    public async Task AuthenticateAsync_LateReplyToATimedOutRequest_IsDropped_NextRequestGetsItsOwn()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        FakeImageAuthService.Request late = await TimeOutOneSecAuthAsync(rig, ImageAuthClientOptions.DefaultResponseTimeout);

        // The stale answer (response 0 for a packet that no longer exists) arrives, then the next request's own.
        await rig.Service.ReplyAsync(late, FakeImageAuthService.Encode(late.Packet.WithResponse(0)), Ct);
        rig.Service.Responder = request => FakeImageAuthService.AnswerTearDown(request, status: 3);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.TearDownAsync(SwId, Ct));
        Assert.Equal(TmelcomUid.TearDown, ex.Uid);
        Assert.Equal(TmelStatus.BadParameter, ex.Status);
    }

    [Fact]
    public async Task AuthenticateAsync_TwoSecAuthInARow_TheFirstTimedOut_ItsLateSuccessNeverAnswersTheSecond()
    {
        // The same UID, and buffers of the same sizes: before, the second request could get the first one's bus addresses
        // and take its late answer (and TME-L's late in-place write) for its own.
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        FakeImageAuthService.Request first = await TimeOutOneSecAuthAsync(rig, ImageAuthClientOptions.DefaultResponseTimeout);

        Task<ImageAuthResult> second = rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct);
        FakeImageAuthService.Request secondRequest = await rig.Service.Requests.Reader.ReadAsync(Ct);
        Assert.NotEqual(first.Packet.PayloadAddress, secondRequest.Packet.PayloadAddress);  // the first one's buffers are still held
        Assert.NotEqual(first.Source, secondRequest.Source);                                // and its address retired
        await rig.Service.ReplyAsync(first, FakeImageAuthService.SucceedSecAuth(first, entryAddress: 0x1111, 0, 0), Ct);
        await rig.Service.ReplyAsync(secondRequest, FakeImageAuthService.SucceedSecAuth(secondRequest, entryAddress: 0x2222, 0, 0), Ct);

        Assert.Equal(0x2222u, (await second).EntryAddress);
        await rig.Client.Lane.WhenNoneHeldAsync(Ct);
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
    }

    [Fact]
    public async Task AuthenticateAsync_AbandonedRequestNeverAnswered_BuffersFreedWhenTheHoldPasses()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct, new ImageAuthClientOptions { ResponseTimeout = TimeSpan.FromSeconds(1), LateReplyHold = TimeSpan.FromSeconds(5) });
        await TimeOutOneSecAuthAsync(rig, TimeSpan.FromSeconds(1));
        Assert.NotEqual(rig.Memory.Size, rig.Memory.FreeBytes);

        rig.Time.Advance(TimeSpan.FromSeconds(5));

        await rig.Client.Lane.WhenNoneHeldAsync(Ct);
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
        Assert.Equal(1, rig.Client.Lane.HoldsExpired);
    }

    [Fact]
    public async Task AuthenticateAsync_AnswersForAnotherPointerOrUid_AreDropped_UntilItsOwnArrives()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = _ => null;

        Task<ImageAuthResult> call = rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct);
        FakeImageAuthService.Request request = await rig.Service.Requests.Reader.ReadAsync(Ct);
        TmelcomPacket otherPointer = TmelcomPacket.CreateSram(TmelcomUid.SecAuth, request.Packet.PayloadAddress + 8, SecAuthRequest.MessageSize, response: 1);
        TmelcomPacket otherUid = TmelcomPacket.CreateInline(TmelcomUid.TearDown, new byte[12], response: 1);
        await rig.Service.ReplyAsync(request, FakeImageAuthService.Encode(otherPointer), Ct);
        await rig.Service.ReplyAsync(request, FakeImageAuthService.Encode(otherUid), Ct);
        await rig.Service.ReplyAsync(request, FakeImageAuthService.SucceedSecAuth(request, 0x77, 0, 0), Ct);

        Assert.Equal(0x77u, (await call).EntryAddress);
    }

    [Fact]
    public async Task AuthenticateAsync_ReplyIsNotAPacket_ThrowsProtocolException()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = _ => [0x11, 0x00, 0x04];

        await Assert.ThrowsAsync<RpmsgProtocolException>(() => rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct));

        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
    }

    [Fact]
    public async Task AuthenticateAsync_InlineReplyWithoutFailure_ThrowsProtocolException()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = _ => FakeImageAuthService.Encode(TmelcomPacket.CreateInline(TmelcomUid.SecAuth, []));

        await Assert.ThrowsAsync<RpmsgProtocolException>(() => rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct));
    }

    [Fact]
    public async Task AuthenticateAsync_NoRoomInSharedMemory_ThrowsOutOfMemory_AndFreesWhatItTook()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct, memorySize: 4096);

        var ex = await Assert.ThrowsAnyAsync<RpmsgSharedMemoryException>(() => rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct));

        Assert.Equal(RpmsgSharedMemoryError.OutOfMemory, ex.SharedMemoryError);
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
        Assert.False(rig.Service.Requests.Reader.TryRead(out _));
    }

    [Theory]
    [InlineData(0, 10, 0x1000UL)]
    [InlineData(10, 0, 0x1000UL)]
    [InlineData(10, 0x1000, 0xFFFF_F001UL)]
    [InlineData(10, 1, 0x1_0000_0000UL)]
    public async Task AuthenticateAsync_BadArguments_ThrowBeforeAnythingIsAllocated(int metadataLength, int imageLength, ulong loadBase)
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => rig.Client.AuthenticateAsync(SwId, new byte[metadataLength], loadBase, new byte[imageLength], Ct));

        Assert.Equal(0, rig.Memory.Allocations);
    }

    [Fact]
    public async Task TearDownAsync_SendsTheRfcWords_AndSucceedsOnStatusZero()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = request => FakeImageAuthService.AnswerTearDown(request, 0);

        await rig.Client.TearDownAsync(5, Ct);

        FakeImageAuthService.Request request = await rig.Service.Requests.Reader.ReadAsync(Ct);
        Assert.Equal(
            "18000A00" + "05000000" + "00000000" + "01000000" + "00000000" + "00000000", // §8: 0x000A0018, S, 0, 1 (status preset), 0, 0
            Convert.ToHexString(request.Raw));
        Assert.Equal(0, rig.Memory.Allocations);                                  // inline: no shared memory
    }

    [Theory]
    [InlineData(3u, TmelStatus.BadParameter)]
    [InlineData(1u, TmelStatus.Generic)]                                          // the preset, left as it was
    public async Task TearDownAsync_StatusFailure_ThrowsTmelServiceException(uint status, TmelStatus expected)
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = request => FakeImageAuthService.AnswerTearDown(request, status);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.TearDownAsync(5, Ct));

        Assert.Equal(TmelcomUid.TearDown, ex.Uid);
        Assert.Equal(expected, ex.Status);
        Assert.Equal(TmelStatusOrigin.ServiceStatus, ex.Origin);
    }

    [Fact]
    public async Task TearDownAsync_PacketResponse_ThrowsFromThePacket()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = request => FakeImageAuthService.AnswerTearDown(request, 0, packetResponse: 4);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.TearDownAsync(5, Ct));

        Assert.Equal(TmelStatus.BadMessage, ex.Status);
        Assert.Equal(TmelStatusOrigin.PacketResponse, ex.Origin);
    }

    [Fact]
    public async Task TearDownAsync_ReplyTooShortForTheStruct_ThrowsProtocolException()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = _ => FakeImageAuthService.Encode(TmelcomPacket.CreateInline(TmelcomUid.TearDown, new byte[4]));

        await Assert.ThrowsAsync<RpmsgProtocolException>(() => rig.Client.TearDownAsync(5, Ct));
    }

    /// <summary>Sends a SEC_AUTH the service leaves unanswered and lets it time out; returns the request as the service saw it.</summary>
    private static async Task<FakeImageAuthService.Request> TimeOutOneSecAuthAsync(ImageAuthRig rig, TimeSpan responseTimeout)
    {
        rig.Service.Responder = _ => null;
        Task<ImageAuthResult> timedOut = rig.Client.AuthenticateAsync(SwId, s_metadata, LoadBase, s_image, Ct);
        FakeImageAuthService.Request request = await rig.Service.Requests.Reader.ReadAsync(Ct);
        rig.Time.Advance(responseTimeout);
        Assert.Equal(RpmsgError.ResponseTimeout, (await Assert.ThrowsAsync<RpmsgTimeoutException>(() => timedOut)).Error);
        return request;
    }
}
