using System.Buffers.Binary;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.ImageAuth;

/// <summary>The typed SEC_AUTH_V2 call against a fake TME-L that captures the 60-byte struct while the client holds it.</summary>
public class ImageAuthClientV2Tests
{
    private const uint SwId = 0xD;
    private const ulong LoadBase = 0x4A40_0000;

    private static readonly byte[] s_metadata = [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7))];
    private static readonly byte[] s_image = [.. Enumerable.Range(0, 5000).Select(i => (byte)(i ^ 0x5A))];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true, "01000000")]
    [InlineData(false, "00000000")]
    public async Task AuthenticateV2Async_WritesTheSheetsSixtyByteStruct_AndReturnsTheKeyHandle(bool integrityCheck, string flagsHex)
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        byte[]? sent = null;
        byte[]? metadata = null;
        byte[]? regions = null;
        rig.Service.Responder = request =>
        {
            sent = request.Memory.ReadArray(request.Packet.PayloadAddress, request.Packet.PayloadLength);
            metadata = request.Memory.ReadArray(BinaryPrimitives.ReadUInt32LittleEndian(sent.AsSpan(4)), BinaryPrimitives.ReadUInt32LittleEndian(sent.AsSpan(8)));
            regions = request.Memory.ReadArray(BinaryPrimitives.ReadUInt32LittleEndian(sent.AsSpan(12)), BinaryPrimitives.ReadUInt32LittleEndian(sent.AsSpan(16)));
            byte[] answer = (byte[])sent.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(answer.AsSpan(36), 0x8600_1000); // first_seg_addr
            BinaryPrimitives.WriteUInt32LittleEndian(answer.AsSpan(40), 0x100);       // first_seg_len
            BinaryPrimitives.WriteUInt32LittleEndian(answer.AsSpan(44), 0x8600_1040); // entry_addr
            BinaryPrimitives.WriteUInt32LittleEndian(answer.AsSpan(56), 0x2A);        // key_handle
            request.Memory.Write(request.Packet.PayloadAddress, answer);
            return FakeImageAuthService.Encode(request.Packet.WithResponse(0));
        };

        ImageAuthV2Result result = await rig.Client.AuthenticateV2Async(SwId, s_metadata, LoadBase, s_image, integrityCheck, Ct);

        Assert.Equal(new ImageAuthV2Result(new ImageAuthResult(SwId, 0x8600_1040, 0x8600_1000, 0x100), integrityCheck, 0x2A), result);
        FakeImageAuthService.Request request = await rig.Service.Requests.Reader.ReadAsync(Ct);

        // The packet (§2.1, §3.1): SRAM, UID 0x000F, payload_len 60 = 0x3C.
        Assert.Equal("11000F00", Convert.ToHexString(request.Raw, 0, 4));
        Assert.Equal("3C000000", Convert.ToHexString(request.Raw, 8, 4));
        Assert.Equal(TmelcomUid.SecAuthV2, request.Packet.Uid);

        // The struct, offsets from the sheet's table; the three address words point at what they name.
        Assert.NotNull(sent);
        Assert.Equal(60, sent.Length);
        Assert.Equal("0D000000", Convert.ToHexString(sent, 0, 4));        //  0 sw_id 0xD
        Assert.Equal("2C010000", Convert.ToHexString(sent, 8, 4));        //  8 elf_buf.buf_len 300
        Assert.Equal("08000000", Convert.ToHexString(sent, 16, 4));       // 16 region_list.buf_len: one 8-byte entry
        Assert.Equal("01000000", Convert.ToHexString(sent, 20, 4));       // 20 relocate 1 (carve-out not at LoadBase)
        Assert.Equal(flagsHex, Convert.ToHexString(sent, 24, 4));         // 24 flags, bit 0 ns_integrity_check
        Assert.Equal("0000000000000000", Convert.ToHexString(sent, 28, 8)); // 28 reserved_buf {buf, buf_len} zero
        Assert.Equal(new byte[24], sent[36..]);                           // 36..59 response words sent as zero
        Assert.Equal(s_metadata, metadata);
        Assert.Equal((uint)s_image.Length, BinaryPrimitives.ReadUInt32LittleEndian(regions.AsSpan(4))); // the carve-out's one entry
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
    }

    [Fact]
    public async Task AuthenticateV2Async_StatusWritten_ThrowsWithUidSecAuthV2()
    {
        await using ImageAuthRig rig = await ImageAuthRig.StartAsync(Ct);
        rig.Service.Responder = request =>
        {
            byte[] answer = request.Memory.ReadArray(request.Packet.PayloadAddress, request.Packet.PayloadLength);
            BinaryPrimitives.WriteUInt32LittleEndian(answer.AsSpan(48), 0x1234); // extended_error
            BinaryPrimitives.WriteUInt32LittleEndian(answer.AsSpan(52), 2);      // status
            request.Memory.Write(request.Packet.PayloadAddress, answer);
            return FakeImageAuthService.Encode(request.Packet.WithResponse(0));
        };

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateV2Async(SwId, s_metadata, LoadBase, s_image, cancellationToken: Ct));

        Assert.Equal(TmelcomUid.SecAuthV2, ex.Uid);
        Assert.Equal(0x1234u, ex.ExtendedError);
        Assert.Equal(rig.Memory.Size, rig.Memory.FreeBytes);
    }
}
