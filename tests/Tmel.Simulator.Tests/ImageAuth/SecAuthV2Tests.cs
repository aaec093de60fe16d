using Rpmsg.Core;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;
using Tmel.Simulator.Tests.Support;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.ImageAuth;

/// <summary>SEC_AUTH_V2 (0x000F) sent raw as U-Boot sends it: the 60-byte struct in shared memory, garbage in the reserved words.</summary>
public class SecAuthV2Tests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1u)]            // ns_integrity_check, as U-Boot's SPL sends it
    [InlineData(0xFFFF_FFFEu)]  // bit 0 clear, reserved bits full of stack garbage
    public async Task SecAuthV2_SignedImage_AuthenticatesAsSecAuth_KeyHandleWritten_ReservedIgnored(uint flags)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        TsimImage image = TestImages.Firmware();

        (SecAuthV2Message request, SecAuthV2Message answer, TmelcomPacket reply) = await SendAsync(rig, image, image.CreateLoadImage(), flags);

        Assert.Equal(0, reply.Response);
        Assert.Equal(new SecAuthResponse(TestImages.LinkAddress, 0x60, TestImages.LinkAddress + 0x10, 0, 0), answer.Response);
        Assert.Equal(0u, answer.KeyHandle);
        Assert.Equal((request.Request, request.Flags, request.Reserved), (answer.Request, answer.Flags, answer.Reserved));
        Assert.Equal(TestImages.SwId, Assert.Single(rig.Simulator.Measurements).SwId);
        await rig.Client.TearDownAsync(TestImages.SwId, Ct);
    }

    [Fact]
    public async Task SecAuthV2_TamperedSegment_FailsWithTheSameStatusAndExtendedErrorAsSecAuth()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        TsimImage image = TestImages.Firmware();
        byte[] loaded = image.CreateLoadImage();
        loaded[0x1000 + 5] ^= 0x01;

        (_, SecAuthV2Message answer, _) = await SendAsync(rig, image, loaded, flags: 1);
        var v1 = await Assert.ThrowsAsync<Tmel.Services.TmelServiceException>(() => rig.Client.AuthenticateAsync(image.SoftwareId, image.Metadata, image.LoadBase, loaded, Ct));

        Assert.Equal(((uint)v1.Status, v1.ExtendedError), (answer.Response.Status, answer.Response.ExtendedError));
        Assert.NotEqual(0u, answer.Response.Status);
        Assert.Equal(0u, answer.KeyHandle);
        Assert.Empty(rig.Simulator.Measurements);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AuthenticateV2Async_TypedClientThroughTheStack_AuthenticatesAndReturnsTheKeyHandle(bool integrityCheck)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        TsimImage image = TestImages.Firmware();

        ImageAuthV2Result result = await rig.Client.AuthenticateV2Async(image, image.SoftwareId, integrityCheck, Ct);

        Assert.Equal(new ImageAuthResult(TestImages.SwId, TestImages.LinkAddress + 0x10, TestImages.LinkAddress, 0x60), result.Image);
        Assert.Equal((integrityCheck, 0u), (result.IntegrityCheck, result.KeyHandle));
        Assert.Equal(TestImages.SwId, Assert.Single(rig.Simulator.Measurements).SwId);
        await rig.Client.TearDownAsync(TestImages.SwId, Ct);
    }

    [Fact]
    public async Task AuthenticateV2Async_TamperedCarveOut_ThrowsWithUidSecAuthV2()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        TsimImage image = TestImages.Firmware();
        byte[] loaded = image.CreateLoadImage();
        loaded[0x1000 + 5] ^= 0x01;

        var ex = await Assert.ThrowsAsync<Tmel.Services.TmelServiceException>(() => rig.Client.AuthenticateV2Async(image.SoftwareId, image.Metadata, image.LoadBase, loaded, cancellationToken: Ct));

        Assert.Equal(TmelcomUid.SecAuthV2, ex.Uid);
        Assert.Empty(rig.Simulator.Measurements);
    }

    [Fact]
    public async Task SecAuthV2_PayloadLength44_IsBadMessage()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using RpmsgEndpoint raw = rig.Client.Device!.CreateEndpoint(RpmsgAddress.Any);
        QmpSharedBuffer message = rig.SharedMemory.Allocate(SecAuthV2Message.MessageSize);

        TmelcomPacket reply = await RawTmelcom.ExchangeAsync(raw, TmelcomPacket.CreateSram(TmelcomUid.SecAuthV2, message.BusAddress, SecAuthRequest.MessageSize), Ct);

        Assert.Equal((sbyte)TmelStatus.BadMessage, reply.Response);
        Assert.Equal(new byte[SecAuthV2Message.MessageSize], message.ToArray());
    }

    private static async Task<(SecAuthV2Message Request, SecAuthV2Message Answer, TmelcomPacket Reply)> SendAsync(StackRig rig, TsimImage image, byte[] loaded, uint flags)
    {
        await using RpmsgEndpoint raw = rig.Client.Device!.CreateEndpoint(RpmsgAddress.Any);
        QmpSharedMemoryRegion memory = rig.SharedMemory;
        QmpSharedBuffer elf = memory.Allocate(image.Metadata.Length);
        QmpSharedBuffer carveOut = memory.Allocate(loaded.Length);
        QmpSharedBuffer list = memory.Allocate(SecAuthRegionList.EntrySize);
        QmpSharedBuffer message = memory.Allocate(SecAuthV2Message.MessageSize);
        elf.Write(0, image.Metadata.Span);
        carveOut.Write(0, loaded);
        byte[] regions = new byte[SecAuthRegionList.EntrySize];
        SecAuthRegionList.Encode([new SecAuthRegion(carveOut.BusAddress, (uint)loaded.Length)], regions);
        list.Write(0, regions);
        var request = new SecAuthV2Message(
            new SecAuthRequest(image.SoftwareId, new TmelcomBuffer(elf.BusAddress, (uint)image.Metadata.Length), new TmelcomBuffer(list.BusAddress, SecAuthRegionList.EntrySize), 1),
            flags,
            new TmelcomBuffer(0xDEAD_BEEF, 0xCAFE_BABE),
            new SecAuthResponse(0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555), // U-Boot does not clear them
            0x66666666);
        byte[] bytes = new byte[SecAuthV2Message.MessageSize];
        SecAuthV2Message.Encode(request, bytes);
        message.Write(0, bytes);

        TmelcomPacket reply = await RawTmelcom.ExchangeAsync(raw, TmelcomPacket.CreateSram(TmelcomUid.SecAuthV2, message.BusAddress, SecAuthV2Message.MessageSize), Ct);

        Assert.Equal((TmelcomIpcType.Sram, message.BusAddress, (uint)SecAuthV2Message.MessageSize), (reply.IpcType, reply.PayloadAddress, reply.PayloadLength));
        return (request, SecAuthV2Message.Decode(message.ToArray()), reply);
    }
}
