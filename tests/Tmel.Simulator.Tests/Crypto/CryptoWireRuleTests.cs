using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator.Tests.Crypto;

/// <summary>The rules of tmelcom-services.md §5.3 for the KM and HCS structs, one test per rule.</summary>
public sealed class CryptoWireRuleTests : IDisposable
{
    private static readonly TmeSequencerStatus s_garbage = new(0xDEADBEEF, 0xDEADBEEF, 0xDEADBEEF, 0xDEADBEEF, 0xDEADBEEF);
    private readonly CryptoRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void Rule1_TheReplyRepeatsIpcTypeUidPointerAndLength()
    {
        (TmelcomPacket reply, _) = _rig.Call(TmelcomUid.HcsPrngGet, new HcsPrngMessage(16, _rig.Out(16), 1, default));
        Assert.Equal(TmelcomIpcType.Sram, reply.IpcType);
        Assert.Equal(TmelcomUid.HcsPrngGet, reply.Uid);
        Assert.Equal((uint)HcsPrngMessage.MessageSize, reply.PayloadLength);
        Assert.NotEqual(0u, reply.PayloadAddress);
    }

    [Fact]
    public void Rule2_AnInlinePacket_IsInvalidMessageInTheHeader()
    {
        TmelcomPacket reply = _rig.Send(TmelcomPacket.CreateInline(TmelcomUid.KmClear, new byte[4]));
        Assert.Equal(-41, reply.Response);
        Assert.Equal(TmelcomUid.KmClear, reply.Uid);
    }

    [Fact]
    public void Rule2_AWrongPayloadLength_IsInvalidMessage_AndTheStructIsUntouched()
    {
        Tmel.Transport.Qmp.QmpSharedBuffer buffer = _rig.Memory.Allocate(64);
        buffer.Write(Enumerable.Repeat((byte)0x5A, 64).ToArray());
        TmelcomPacket reply = _rig.Send(TmelcomPacket.CreateSram(TmelcomUid.KmClear, buffer.BusAddress, 27));
        Assert.Equal(-41, reply.Response);
        Assert.Equal(27u, reply.PayloadLength);
        byte[] bytes = new byte[64];
        buffer.Read(0, bytes);
        Assert.All(bytes, b => Assert.Equal(0x5A, b));
    }

    [Fact]
    public void Rule2_AStructOutsideSharedMemory_IsBadAddress()
    {
        TmelcomPacket reply = _rig.Send(TmelcomPacket.CreateSram(TmelcomUid.KmGenerate, 0x1000, KmGenerateMessage.MessageSize));
        Assert.Equal(-33, reply.Response);
    }

    [Fact]
    public void Rule2_AKmUidNotServed_IsNotSupported()
    {
        TmelcomPacket reply = _rig.Send(TmelcomPacket.CreateSram(TmelcomUid.KmDistribute, _rig.Memory.BaseBusAddress, 36));
        Assert.Equal(-43, reply.Response);
    }

    [Fact]
    public void Rule3_EveryOutFieldIsWritten_OnSuccess()
    {
        KmGenerateMessage result = _rig.Ok(TmelcomUid.KmGenerate, new KmGenerateMessage(TmeCryptoIds.KeyIdAllocate, Policies.Ecdsa(), 0, 0xFFFFFFFF, 0xFFFFFFFF, s_garbage));
        Assert.Equal(0u, result.Status);
        Assert.Equal(default, result.Sequencer);
        Assert.InRange(result.ResultKeyId, 1u, 255u);
    }

    [Fact]
    public void Rule3_EveryOutFieldIsWritten_OnFailure()
    {
        HcsDigestMessage result = _rig.Ok(TmelcomUid.HcsShaDigest, new HcsDigestMessage(7, _rig.In("x"u8), 0, _rig.Out(64, usedPreset: 0xABCD), 0xFFFFFFFF, s_garbage));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)result.Status);
        Assert.Equal(new TmeSequencerStatus((uint)TmeStatus.InvalidInput, 0, 0, 0, 0), result.Sequencer);
        Assert.Equal(0u, result.Digest.Used);
    }

    [Fact]
    public void Rule4_RequestWordsComeBackUnchanged()
    {
        var request = new HcsAesEncryptMessage((uint)TmeAesMode.Gcm, 200, _rig.In("aad"u8), _rig.In(new byte[32]), _rig.Out(8), _rig.Out(12), _rig.Out(16), _rig.Out(32), 5, s_garbage);
        HcsAesEncryptMessage result = _rig.Ok(TmelcomUid.HcsAesEncrypt, request);
        Assert.Equal((request.Mode, request.KeyId, request.Aad, request.Plaintext), (result.Mode, result.KeyId, result.Aad, result.Plaintext));
        Assert.Equal((request.OutIv.Address, request.OutIv.Capacity, request.Ciphertext.Address, request.Ciphertext.Capacity), (result.OutIv.Address, result.OutIv.Capacity, result.Ciphertext.Address, result.Ciphertext.Capacity));
    }

    [Fact]
    public void Rule5_AnOutputBufferTooSmall_IsSmallOutputBuffer_NothingWritten_UsedZero()
    {
        TmelcomOutBuffer digest = _rig.Out(31, usedPreset: 31);
        HcsDigestMessage result = _rig.Ok(TmelcomUid.HcsShaDigest, new HcsDigestMessage((uint)TmeHashAlgorithm.Sha256, _rig.In("abc"u8), 0, digest, 0, default));
        Assert.Equal(TmeStatus.SmallOutputBuffer, (TmeStatus)result.Status);
        Assert.Equal(0u, result.Digest.Used);
        byte[] bytes = new byte[31];
        _rig.Memory.Read(digest.Address, bytes);
        Assert.All(bytes, b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Rule5_UsedIsNeverAboveTheCapacity()
    {
        HcsEccSignMessage result = _rig.Ok(TmelcomUid.HcsEccSignMessage, new HcsEccSignMessage((uint)TmeCurve.P256, _rig.Generate(Policies.Ecdsa()), (uint)TmeHashAlgorithm.Sha256, _rig.In("m"u8), _rig.Out(72), 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)result.Status);
        Assert.InRange(result.Signature.Used, 8u, 72u);
    }

    [Fact]
    public void Rule6_ABufOfZero_IsAbsent_EvenWithALength()
    {
        HcsDigestMessage noOutput = _rig.Ok(TmelcomUid.HcsShaDigest, new HcsDigestMessage((uint)TmeHashAlgorithm.Sha256, _rig.In("abc"u8), 0, new TmelcomOutBuffer(0, 64, 0), 0, default));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)noOutput.Status);
        Assert.Equal(0u, noOutput.Digest.Used);

        uint key = _rig.Generate(Policies.Aes(TmeKeyAlgorithm.Aes256Gcm));
        HcsAesEncryptMessage noAad = _rig.Ok(TmelcomUid.HcsAesEncrypt, new HcsAesEncryptMessage((uint)TmeAesMode.Gcm, key, new TmelcomBuffer(0, 5), _rig.In(new byte[16]), default, _rig.Out(12), _rig.Out(16), _rig.Out(16), 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)noAad.Status);
    }

    [Fact]
    public void Rule7_HandlesStayIn1To255_AndAFullTableIsNotReady()
    {
        using var rig = new CryptoRig(maxKeysPerOwner: 255);
        TmeKeyPolicy policy = Policies.Aes(TmeKeyAlgorithm.Aes128Ecb, length: TmeKeyLength.Bits128);
        var handles = new HashSet<uint>();
        for (int i = 0; i < 255; i++)
        {
            handles.Add(rig.Generate(policy));
        }

        Assert.Equal(Enumerable.Range(1, 255).Select(h => (uint)h).ToHashSet(), handles);
        KmGenerateMessage full = rig.Ok(TmelcomUid.KmGenerate, new KmGenerateMessage(TmeCryptoIds.KeyIdAllocate, policy, 0, 0, 0, default));
        Assert.Equal(TmeStatus.NotReady, (TmeStatus)full.Status);
        Assert.Equal(0u, full.ResultKeyId);
    }

    [Fact]
    public void Limits_KeysPerSubsystem_AreNotReady_ForThatSubsystemOnly()
    {
        using var rig = new CryptoRig(maxKeysPerOwner: 2);
        TmeKeyPolicy policy = Policies.Aes(TmeKeyAlgorithm.Aes128Ecb, length: TmeKeyLength.Bits128);
        rig.Generate(policy);
        rig.Generate(policy);
        Assert.Equal(TmeStatus.NotReady, (TmeStatus)rig.Ok(TmelcomUid.KmGenerate, new KmGenerateMessage(TmeCryptoIds.KeyIdAllocate, policy, 0, 0, 0, default)).Status);
        using CryptoService other = rig.ForOwner(2);
        Assert.InRange(rig.Generate(policy, other), 1u, 255u);
    }

    [Theory]
    [InlineData(0u, 16, TmeStatus.InvalidInput)]
    [InlineData(513u, 1024, TmeStatus.InvalidInput)]
    [InlineData(64u, 32, TmeStatus.SmallOutputBuffer)]
    public void Prng_OutOfLimits_IsAStatus_NoBytes(uint length, int capacity, TmeStatus expected)
    {
        HcsPrngMessage result = _rig.Ok(TmelcomUid.HcsPrngGet, new HcsPrngMessage(length, _rig.Out(capacity, usedPreset: 9), 1, default));
        Assert.Equal(expected, (TmeStatus)result.Status);
        Assert.Equal(0u, result.Output.Used);
    }

    [Fact]
    public void Inputs_OutsideSharedMemory_AreInvalidMemory()
    {
        HcsDigestMessage result = _rig.Ok(TmelcomUid.HcsShaDigest, new HcsDigestMessage((uint)TmeHashAlgorithm.Sha256, new TmelcomBuffer(0x1000, 16), 0, _rig.Out(32), 0, default));
        Assert.Equal(TmeStatus.InvalidMemory, (TmeStatus)result.Status);
        HcsPrngMessage prng = _rig.Ok(TmelcomUid.HcsPrngGet, new HcsPrngMessage(16, new TmelcomOutBuffer(0xFFFFFFF0, 0x100, 0), 1, default));
        Assert.Equal(TmeStatus.InvalidMemory, (TmeStatus)prng.Status);
    }

    [Fact]
    public void ExportEcdhIp_FromTheOemSeed_Is96BytesOfAP384Point_AndStable()
    {
        KmExportEcdhIpMessage first = _rig.Ok(TmelcomUid.KmExportEcdhIpKey, new KmExportEcdhIpMessage(0, 0xC, _rig.Out(96), 1, s_garbage));
        KmExportEcdhIpMessage second = _rig.Ok(TmelcomUid.KmExportEcdhIpKey, new KmExportEcdhIpMessage(0, 0xC, _rig.Out(96), 1, s_garbage));
        Assert.Equal((0u, default(TmeSequencerStatus), 96u), (first.Status, first.Sequencer, first.PublicKey.Used));
        byte[] point = _rig.Read(first.PublicKey);
        Assert.Equal(point, _rig.Read(second.PublicKey));
        var parameters = new System.Security.Cryptography.ECParameters { Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP384, Q = new() { X = point[..48], Y = point[48..] } };
        parameters.Validate();
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)_rig.Ok(TmelcomUid.KmExportEcdhIpKey, new KmExportEcdhIpMessage(0, 5, _rig.Out(96), 1, default)).Status);
    }

    [Fact]
    public void Verify_APointOffTheCurve_IsInvalidInput()
    {
        byte[] point = new byte[64];
        point[63] = 1;
        HcsEccVerifyMessage result = _rig.Ok(TmelcomUid.HcsEccVerifyMessage, new HcsEccVerifyMessage((uint)TmeCurve.P256, _rig.In(point), (uint)TmeHashAlgorithm.Sha256, _rig.In("m"u8), _rig.In(new byte[70]), 0, default));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)result.Status);
    }
}
