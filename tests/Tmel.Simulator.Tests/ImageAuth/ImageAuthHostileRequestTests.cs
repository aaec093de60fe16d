using System.Buffers.Binary;
using Rpmsg.Core;
using Tmel.Services.Tests.ImageAuth.Images;
using Tmel.Services.Tmelcom;
using Tmel.Simulator.Tests.Support;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.ImageAuth;

/// <summary>
/// Hostile requests to the simulated image-auth service, sent raw on its channel: pointers outside shared memory, lengths
/// that overflow, region lists with absurd counts, wrong packet forms. Each gets its status and extended error, and the
/// service goes on to authenticate a real image afterwards.
/// </summary>
public class ImageAuthHostileRequestTests
{
    private const uint Outside = 0x1000_0000;                      // far below the region at 0x86000000

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, TmelStatus, uint> SecAuthCases => new()
    {
        { "elf_buf length 0", TmelStatus.BadParameter, 0x1001 },
        { "elf_buf length 0xFFFFFFFF", TmelStatus.BadParameter, 0x1001 },
        { "elf_buf outside shared memory", TmelStatus.BadAddress, 0x1002 },
        { "elf_buf address plus length wraps", TmelStatus.BadAddress, 0x1002 },
        { "elf_buf one byte past its buffer", TmelStatus.BadAddress, 0x1002 },
        { "region_list length 0xFFFFFFF8", TmelStatus.BadParameter, 0x1003 },
        { "region_list of 17 entries", TmelStatus.BadParameter, 0x1003 },
        { "region_list partial entry", TmelStatus.BadParameter, 0x1003 },
        { "region_list outside shared memory", TmelStatus.BadAddress, 0x1004 },
        { "region running past 4 GiB", TmelStatus.BadParameter, 0x1003 },
        { "region outside shared memory", TmelStatus.BadAddress, 0x1006 },
        { "region of size 0", TmelStatus.BadParameter, 0x1005 },
        { "regions overlap", TmelStatus.BadParameter, 0x1005 },
        { "relocate 2", TmelStatus.BadParameter, 0x1007 },
        { "relocate 1 without a region list", TmelStatus.BadParameter, 0x1007 },
        { "metadata not an ELF", TmelStatus.BadParameter, 0x01 },
    };

    public static TheoryData<string, TmelStatus> PacketCases => new()
    {
        { "struct pointer outside shared memory", TmelStatus.BadAddress },
        { "struct pointer wraps past 4 GiB", TmelStatus.BadAddress },
        { "struct runs past its buffer", TmelStatus.BadAddress },
        { "SEC_AUTH inline", TmelStatus.BadMessage },
        { "SEC_AUTH payload_len 40", TmelStatus.BadMessage },
        { "SRAM tail not zero", TmelStatus.BadMessage },
        { "10-byte message", TmelStatus.BadMessage },
        { "25-byte message", TmelStatus.BadMessage },
        { "unknown UID 0x0009", TmelStatus.NotSupported },
        { "SS_TEAR_DOWN through shared memory", TmelStatus.BadMessage },
        { "SS_TEAR_DOWN msg_len 8", TmelStatus.BadMessage },
    };

    [Theory]
    [MemberData(nameof(SecAuthCases))]
    public async Task SecAuth_HostileStruct_IsAnsweredInPlace_AndTheServiceKeepsWorking(string name, TmelStatus status, uint extendedError)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using RpmsgEndpoint raw = rig.Client.Device!.CreateEndpoint(RpmsgAddress.Any);
        QmpSharedMemoryRegion memory = rig.SharedMemory;
        QmpSharedBuffer message = memory.Allocate(SecAuthRequest.MessageSize);
        QmpSharedBuffer elf = memory.Allocate(64);
        QmpSharedBuffer list = memory.Allocate(SecAuthRegionList.MaxByteLength + 8);
        QmpSharedBuffer carveOut = memory.Allocate(4096);
        elf.Write(0, TestElfWriter.Pattern(64, 9));
        TmelcomBuffer elfBuffer = new(elf.BusAddress, 64);
        TmelcomBuffer listBuffer = new(list.BusAddress, 8);
        uint relocate = 1;
        SecAuthRegion[] regions = [new(carveOut.BusAddress, 4096)];
        switch (name)
        {
            case "elf_buf length 0": elfBuffer = elfBuffer with { Length = 0 }; break;
            case "elf_buf length 0xFFFFFFFF": elfBuffer = elfBuffer with { Length = uint.MaxValue }; break;
            case "elf_buf outside shared memory": elfBuffer = elfBuffer with { Address = Outside }; break;
            case "elf_buf address plus length wraps": elfBuffer = new(0xFFFF_FFF0, 0x20); break;
            case "elf_buf one byte past its buffer": elfBuffer = elfBuffer with { Length = 65 }; break;
            case "region_list length 0xFFFFFFF8": listBuffer = listBuffer with { Length = 0xFFFF_FFF8 }; break;
            case "region_list of 17 entries": listBuffer = listBuffer with { Length = 17 * 8 }; break;
            case "region_list partial entry": listBuffer = listBuffer with { Length = 12 }; break;
            case "region_list outside shared memory": listBuffer = listBuffer with { Address = Outside }; break;
            case "region running past 4 GiB": regions = [new(0xFFFF_F000, 0x2000)]; break;
            case "region outside shared memory": regions = [new(Outside, 0x1000)]; break;
            case "region of size 0": regions = [new(carveOut.BusAddress, 0)]; break;
            case "regions overlap": regions = [new(carveOut.BusAddress, 4096), new(carveOut.BusAddress + 8, 8)]; listBuffer = listBuffer with { Length = 16 }; break;
            case "relocate 2": relocate = 2; break;
            case "relocate 1 without a region list": listBuffer = new(0, 0); break;
            case "metadata not an ELF": break;
            default: throw new ArgumentException(name);
        }

        byte[] listBytes = new byte[16];
        if (name == "region running past 4 GiB")
        {
            BinaryPrimitives.WriteUInt32LittleEndian(listBytes, regions[0].Base);   // the encoder refuses it; write the words by hand
            BinaryPrimitives.WriteUInt32LittleEndian(listBytes.AsSpan(4), regions[0].Size);
        }
        else
        {
            SecAuthRegionList.Encode(regions, listBytes);
        }

        list.Write(0, listBytes);
        byte[] secAuth = new byte[SecAuthRequest.MessageSize];
        SecAuthRequest.Encode(new SecAuthRequest(0x0D, elfBuffer, listBuffer, relocate), secAuth);
        message.Write(secAuth);

        TmelcomPacket reply = await ExchangeAsync(raw, Packet(TmelcomPacket.CreateSram(TmelcomUid.SecAuth, message.BusAddress, SecAuthRequest.MessageSize)));

        Assert.Equal(0, reply.Response);
        Assert.Equal(TmelcomIpcType.Sram, reply.IpcType);
        Assert.Equal(message.BusAddress, reply.PayloadAddress);
        SecAuthResponse response = SecAuthResponse.Decode(message.ToArray());
        Assert.Equal(((uint)status, extendedError), (response.Status, response.ExtendedError));
        Assert.Equal((0u, 0u, 0u), (response.FirstSegmentAddress, response.FirstSegmentLength, response.EntryAddress));
        Assert.Equal(secAuth[..SecAuthRequest.RequestSize], message.ToArray()[..SecAuthRequest.RequestSize]); // the request half is untouched
        await AssertStillWorksAsync(rig);
    }

    [Theory]
    [MemberData(nameof(PacketCases))]
    public async Task HostilePacket_IsAnsweredWithItsResponseByte_AndTheServiceKeepsWorking(string name, TmelStatus expected)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using RpmsgEndpoint raw = rig.Client.Device!.CreateEndpoint(RpmsgAddress.Any);
        QmpSharedBuffer message = rig.SharedMemory.Allocate(SecAuthRequest.MessageSize);
        byte[] request = name switch
        {
            "struct pointer outside shared memory" => Packet(TmelcomPacket.CreateSram(TmelcomUid.SecAuth, Outside, SecAuthRequest.MessageSize)),
            "struct pointer wraps past 4 GiB" => Packet(TmelcomPacket.CreateSram(TmelcomUid.SecAuth, 0xFFFF_FFF0, SecAuthRequest.MessageSize)),
            "struct runs past its buffer" => Packet(TmelcomPacket.CreateSram(TmelcomUid.SecAuth, message.BusAddress + 8, SecAuthRequest.MessageSize)),
            "SEC_AUTH inline" => Packet(TmelcomPacket.CreateInline(TmelcomUid.SecAuth, new byte[20])),
            "SEC_AUTH payload_len 40" => Packet(TmelcomPacket.CreateSram(TmelcomUid.SecAuth, message.BusAddress, 40)),
            "SRAM tail not zero" => [.. Packet(TmelcomPacket.CreateSram(TmelcomUid.SecAuth, message.BusAddress, SecAuthRequest.MessageSize)).AsSpan(0, 23), 0x01],
            "10-byte message" => [0x11, 0x00, 0x04, 0x00, 1, 2, 3, 4, 5, 6],
            "25-byte message" => [.. Packet(TmelcomPacket.CreateInline(TmelcomUid.TearDown, new byte[12])), 0x00],
            "unknown UID 0x0009" => Packet(TmelcomPacket.CreateInline(0x0009, new byte[12])),
            "SS_TEAR_DOWN through shared memory" => Packet(TmelcomPacket.CreateSram(TmelcomUid.TearDown, message.BusAddress, 12)),
            "SS_TEAR_DOWN msg_len 8" => Packet(TmelcomPacket.CreateInline(TmelcomUid.TearDown, new byte[8])),
            _ => throw new ArgumentException(name),
        };

        TmelcomPacket reply = await ExchangeAsync(raw, request);

        Assert.Equal((sbyte)expected, reply.Response);
        if (request.Length >= 3)
        {
            Assert.Equal(TmelcomUid.Create(request[1], request[2]), reply.Uid);
        }

        Assert.Equal(new byte[SecAuthRequest.MessageSize], message.ToArray());       // nothing written in place
        await AssertStillWorksAsync(rig);
    }

    [Fact]
    public async Task TearDown_SecondarySwIdNotZero_IsBadParameter()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await rig.Client.AuthenticateAsync(TestImages.Firmware(), Ct);
        await using RpmsgEndpoint raw = rig.Client.Device!.CreateEndpoint(RpmsgAddress.Any);
        byte[] message = new byte[TearDownRequest.MessageSize];
        TearDownRequest.Encode(new TearDownRequest(TestImages.SwId, SecondarySwId: 1), message);

        TmelcomPacket reply = await ExchangeAsync(raw, Packet(TmelcomPacket.CreateInline(TmelcomUid.TearDown, message)));

        byte[] answer = new byte[20];
        reply.CopyInlineMessageTo(answer);
        Assert.Equal(0, reply.Response);
        Assert.Equal((uint)TmelStatus.BadParameter, TearDownResponse.Decode(answer.AsSpan(0, 12)).Status);
        Assert.Single(rig.Simulator.Measurements);                                   // still up
    }

    private static byte[] Packet(TmelcomPacket packet)
    {
        byte[] bytes = new byte[TmelcomPacket.Size];
        TmelcomPacket.Encode(packet, bytes);
        return bytes;
    }

    private static async Task<TmelcomPacket> ExchangeAsync(RpmsgEndpoint raw, byte[] request)
    {
        await raw.SendAsync(request, Ct);
        using RpmsgMessage reply = await raw.ReceiveAsync(Ct);
        Assert.Equal(TmelcomPacket.Size, reply.Length);
        return TmelcomPacket.Decode(reply.Span);
    }

    private static async Task AssertStillWorksAsync(StackRig rig)
    {
        Assert.Equal(TestImages.LinkAddress + 0x10, (await rig.Client.AuthenticateAsync(TestImages.Firmware(), Ct)).EntryAddress);
        await rig.Client.TearDownAsync(TestImages.SwId, Ct);
    }
}
