using System.Buffers.Binary;
using Rpmsg.Core;
using Tmel.Services;
using Tmel.Services.Device;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;
using Tmel.Simulator.Tests.Support;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.Device;

/// <summary>The device service through the whole stack: DeviceClient → rpmsg → QMP → the simulator's device service.</summary>
public class DeviceStackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void ChannelNames_MatchBetweenSimulatorAndDriver() => Assert.Equal(DeviceDriver.ChannelName, TmelSimulator.DeviceChannel);

    [Fact]
    public async Task ReadFusesAsync_MapRows_AreTheFusesImageAuthChecks()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        uint[] hashRows = [.. Enumerable.Range(0, 7).Select(i => FuseMap.OemPkHashRow + (uint)(i * 8))];

        IReadOnlyList<FuseEntry> rows = await rig.Device.ReadFusesAsync([FuseMap.OemAteRow, FuseMap.HwIdRow, FuseMap.RootfsAuthRow, .. hashRows], Ct);

        Assert.Equal(((TestImages.OemId << 16) | 0x82u, TestImages.ModelId), (rows[0].Low, rows[0].High));
        Assert.Equal(0x82u, rows[0].Low & FuseMap.SecureBootBits);
        Assert.Equal(TestImages.HwId, rows[1].Value);
        Assert.Equal(0UL, rows[2].Value);
        byte[] hash = new byte[56];
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(hashRows[i], rows[3 + i].Address);
            BinaryPrimitives.WriteUInt64LittleEndian(hash.AsSpan(i * 8), rows[3 + i].Value);
        }

        Assert.Equal(TestImages.Identity.OemPkHash, hash[..48]);
        Assert.Equal(new byte[8], hash[48..]);
        Assert.Equal(rig.SharedMemory.Size, rig.SharedMemory.FreeBytes);
    }

    [Fact]
    public async Task ReadFusesAsync_AddressNotInTheMap_IsBadParameter()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Device.ReadFusesAsync([FuseMap.OemAteRow, 0xDEAD0000], Ct));

        Assert.Equal((TmelcomUid.FuseReadMultipleRow, TmelStatus.BadParameter, TmelStatusOrigin.ServiceStatus), (ex.Uid, ex.Status, ex.Origin));
        Assert.Equal(0x82u, (await rig.Device.ReadFusesAsync([FuseMap.OemAteRow], Ct))[0].Low & 0xFF);   // the service keeps working
    }

    [Fact]
    public async Task ReadFusesAsync_FifteenRows_IsRefusedByTheClient()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => rig.Device.ReadFusesAsync([.. Enumerable.Repeat(FuseMap.OemAteRow, 15)], Ct));
    }

    [Theory]
    [InlineData("15 entries", TmelStatus.BadParameter)]
    [InlineData("partial entry", TmelStatus.BadParameter)]
    [InlineData("length 0", TmelStatus.BadParameter)]
    [InlineData("outside shared memory", TmelStatus.BadAddress)]
    [InlineData("runs past its buffer", TmelStatus.BadAddress)]
    public async Task FuseRead_HostileEntryArray_GetsACleanStatus_NothingWritten(string name, TmelStatus expected)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using RpmsgEndpoint raw = rig.Device.Device!.CreateEndpoint(RpmsgAddress.Any);
        QmpSharedBuffer array = rig.SharedMemory.Allocate(15 * FuseEntry.Size);
        var entries = new TmelcomBuffer(array.BusAddress, 15 * FuseEntry.Size);
        entries = name switch
        {
            "15 entries" => entries,
            "partial entry" => entries with { Length = 13 },
            "length 0" => entries with { Length = 0 },
            "outside shared memory" => new TmelcomBuffer(0x1000_0000, 12),
            "runs past its buffer" => new TmelcomBuffer(array.BusAddress + 24, 14 * FuseEntry.Size),
            _ => throw new ArgumentException(name),
        };
        byte[] message = new byte[FuseReadMessage.MessageSize];
        FuseReadMessage.Encode(FuseReadMessage.CreateRequest(entries), message);

        TmelcomPacket reply = await RawTmelcom.ExchangeAsync(raw, TmelcomPacket.CreateInline(FuseReadMessage.Uid, message), Ct);

        FuseReadMessage answer = FuseReadMessage.Decode(RawTmelcom.InlineStruct(reply, FuseReadMessage.MessageSize));
        Assert.Equal(new FuseReadMessage((uint)expected, entries, 0), answer);
        Assert.Equal(new byte[15 * FuseEntry.Size], array.ToArray());
    }

    [Fact]
    public async Task GetStateAsync_ReturnsStateBitsAndPatchVersion_WithinTheBuffer()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);

        DeviceState state = await rig.Device.GetStateAsync(Ct);

        Assert.Equal(DeviceService.PatchVersion, state.PatchVersion);
        Assert.True(state.PatchApplied);
        Assert.True(state.MissionMode);
        Assert.Equal(3u, state.State);
    }

    [Theory]
    [InlineData(16u, TmelStatus.BadParameter)]
    [InlineData(128u, TmelStatus.BadAddress)]
    public async Task GetState_SmallOrOutsideBuffer_WritesEveryOutField_LengthUsedZero(uint length, TmelStatus expected)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using RpmsgEndpoint raw = rig.Device.Device!.CreateEndpoint(RpmsgAddress.Any);
        QmpSharedBuffer text = rig.SharedMemory.Allocate(16);
        var buffer = new TmelcomBuffer(text.BusAddress, length);
        byte[] message = new byte[GetStateMessage.MessageSize];
        GetStateMessage.Encode(GetStateMessage.CreateRequest(buffer), message);

        TmelcomPacket reply = await RawTmelcom.ExchangeAsync(raw, TmelcomPacket.CreateInline(GetStateMessage.Uid, message), Ct);

        Assert.Equal(new GetStateMessage(3, buffer, 0, (uint)expected), GetStateMessage.Decode(RawTmelcom.InlineStruct(reply, GetStateMessage.MessageSize)));
        Assert.Equal(new byte[16], text.ToArray());
    }

    [Fact]
    public async Task GetArbVersionAsync_FusedMinimum_IsValid_UnknownSwId_IsNot()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);

        ArbVersionMessage fused = await rig.Device.GetArbVersionAsync(TestImages.SwId, Ct);
        ArbVersionMessage unknown = await rig.Device.GetArbVersionAsync(0x77, Ct);

        Assert.Equal(new ArbVersionMessage(TestImages.SwId, 1, 0, true, false, 0), fused);
        Assert.Equal(new ArbVersionMessage(0x77, 0, 0, false, false, 0), unknown);
    }

    [Fact]
    public async Task CommitArbVersionsAsync_CommittedVersion_RefusesAnOlderImageFromThenOn()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        TsimImage older = OlderImage();
        await rig.Client.AuthenticateAsync(older, Ct);                                // version 1 passes the fused minimum 1
        await rig.Client.TearDownAsync(TestImages.SwId, Ct);
        await rig.Client.AuthenticateAsync(TestImages.Firmware(), Ct);                 // version 2

        await rig.Device.CommitArbVersionsAsync([TestImages.SwId], Ct);

        Assert.Equal(2, (await rig.Device.GetArbVersionAsync(TestImages.SwId, Ct)).OemVersion);
        Assert.Equal(2u, rig.Simulator.AntiRollbackVersions[TestImages.SwId]);
        Assert.Equal(2u, (await rig.Device.ReadFusesAsync([FuseMap.AntiRollbackRow + (TestImages.SwId * 8)], Ct))[0].Low);
        await rig.Client.TearDownAsync(TestImages.SwId, Ct);
        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateAsync(older, Ct));
        Assert.Equal(TmelStatus.Generic, ex.Status);
        Assert.NotEqual(0u, ex.ExtendedError);
        Assert.Empty(rig.Simulator.Measurements);
    }

    [Fact]
    public async Task CommitArbVersionsAsync_SwIdNotAuthenticated_IsBadParameter_NothingCommitted()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await rig.Client.AuthenticateAsync(TestImages.Firmware(), Ct);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Device.CommitArbVersionsAsync([TestImages.SwId, 0x99], Ct));

        Assert.Equal(TmelStatus.BadParameter, ex.Status);
        Assert.Equal(1u, rig.Simulator.AntiRollbackVersions[TestImages.SwId]);
    }

    [Theory]
    [InlineData(2, 3, 5)]
    [InlineData(-7, 2, -5)]
    [InlineData(int.MaxValue, 1, int.MinValue)]
    public async Task LoopbackAsync_ReturnsTheSum(int value1, int value2, int sum)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        Assert.Equal(sum, await rig.Device.LoopbackAsync(value1, value2, Ct));
    }

    [Fact]
    public async Task Loopback_UBootEightByteLayout_IsAnsweredWithTheResultWord()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using RpmsgEndpoint raw = rig.Device.Device!.CreateEndpoint(RpmsgAddress.Any);

        TmelcomPacket reply = await RawTmelcom.ExchangeAsync(raw, TmelcomPacket.CreateInline(LoopbackMessage.Uid, Convert.FromHexString("0A000000" + "14000000")), Ct);

        Assert.Equal(LoopbackMessage.MessageSize, reply.MessageLength);
        Assert.Equal(new LoopbackMessage(10, 20, 30), LoopbackMessage.Decode(RawTmelcom.InlineStruct(reply, LoopbackMessage.MessageSize)));
    }

    [Theory]
    [InlineData(TmelcomUid.GetState, 16)]
    [InlineData(TmelcomUid.FuseReadMultipleRow, 12)]
    [InlineData(TmelcomUid.LoopbackTest, 4)]
    public async Task WrongMessageLength_IsBadMessageInTheResponseByte(ushort uid, int length)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using RpmsgEndpoint raw = rig.Device.Device!.CreateEndpoint(RpmsgAddress.Any);

        TmelcomPacket reply = await RawTmelcom.ExchangeAsync(raw, TmelcomPacket.CreateInline(uid, new byte[length]), Ct);

        Assert.Equal((sbyte)TmelStatus.BadMessage, reply.Response);
        Assert.Equal(uid, reply.Uid);
    }

    [Fact]
    public async Task AddressZero_DeviceServices_AreServedToo()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using TmelcomAddressZeroClient rfc = TmelcomAddressZeroClient.Create(rig.Bus, rig.SharedMemory);

        Assert.Equal(7, await rfc.Device.LoopbackAsync(3, 4, Ct));
        Assert.Equal(DeviceService.PatchVersion, (await rfc.Device.GetStateAsync(Ct)).PatchVersion);
        Assert.Equal(TestImages.HwId, (await rfc.Device.ReadFusesAsync([FuseMap.HwIdRow], Ct))[0].Value);
        Assert.Equal(1, (await rfc.Device.GetArbVersionAsync(TestImages.SwId, Ct)).OemVersion);
    }

    private static TsimImage OlderImage()
    {
        TsimSignOptions options = TestImages.SignOptions();
        options.AntiRollbackVersion = 1;
        return TsimImage.Parse(TsimImageSigner.Sign(TestImages.FirmwareElf(TestImages.LinkAddress), TestImages.Identity, options));
    }
}
