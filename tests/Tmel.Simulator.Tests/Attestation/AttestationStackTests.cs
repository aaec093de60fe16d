using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rpmsg.Core;
using Tmel.Services;
using Tmel.Services.Attestation;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;
using Tmel.Simulator.Tests.Support;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.Attestation;

/// <summary>Attestation through the whole stack: AttestationClient → rpmsg → QMP → the simulator's QWES service, verified with the key INIT_ATTESTATION gave.</summary>
public class AttestationStackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void ChannelNames_MatchBetweenSimulatorAndDriver() => Assert.Equal(AttestationDriver.ChannelName, TmelSimulator.AttestationChannel);

    [Fact]
    public async Task GetPublicKeyAsync_ReturnsKeyAndChain_ThatChainsToTheDeviceCa()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);

        AttestationPublicKey key = await rig.Attestation.GetPublicKeyAsync(cancellationToken: Ct);

        Assert.Equal(2, key.Certificates.Count);
        IReadOnlyList<X509Certificate2> chain = key.LoadCertificates();
        using X509Certificate2 leaf = chain[0];
        using X509Certificate2 ca = chain[1];
        Assert.Equal(key.SubjectPublicKeyInfo.ToArray(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        using var policy = new X509Chain();
        policy.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.ChainPolicy.CustomTrustStore.Add(ca);
        policy.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        policy.ChainPolicy.VerificationTime = TestImages.Now.UtcDateTime;
        Assert.True(policy.Build(leaf), string.Join("; ", policy.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(rig.Simulator.AttestationPublicKey.SubjectPublicKeyInfo.ToArray(), key.SubjectPublicKeyInfo.ToArray());
        Assert.Equal(rig.SharedMemory.Size, rig.SharedMemory.FreeBytes);
    }

    [Fact]
    public async Task GetPublicKeyAsync_LinuxBuffer128_KeyAloneWithinTheCapacity()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);

        AttestationPublicKey key = await rig.Attestation.GetPublicKeyAsync(QwesInitAttestationMessage.LinuxBufferLength, Ct);

        Assert.Empty(key.Certificates);
        Assert.True(key.Encode(includeChain: false).Length <= 128);
        using ECDsa ecdsa = key.CreateEcdsa();
        Assert.Equal(384, ecdsa.KeySize);
    }

    [Fact]
    public async Task GetPublicKeyAsync_BufferTooSmallForTheKey_IsBadParameter()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Attestation.GetPublicKeyAsync(64, Ct));

        Assert.Equal((TmelcomUid.QwesInitAttestation, TmelStatus.BadParameter), (ex.Uid, ex.Status));
    }

    [Fact]
    public async Task AttestAsync_AfterSecAuth_ListsTheImage_AfterTearDown_OnlyTheFirmware()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        AttestationPublicKey key = await rig.Attestation.GetPublicKeyAsync(cancellationToken: Ct);
        using X509Certificate2 leaf = key.LoadCertificates()[0];
        await rig.Client.AuthenticateAsync(TestImages.Firmware(), Ct);
        TsimMeasurement measured = Assert.Single(rig.Simulator.Measurements);
        byte[] nonce = RandomNumberGenerator.GetBytes(48);

        byte[] token = await rig.Attestation.AttestAsync(nonce, cancellationToken: Ct);

        AttestationClaims claims = AttestationTokenVerifier.Verify(token, leaf, nonce);
        AttestationSoftwareComponent image = Assert.Single(claims.SoftwareComponents);
        Assert.Equal("SW_ID_0x0000000D", image.MeasurementType);
        Assert.Equal(measured.Digest, image.MeasurementValue);
        Assert.Equal(measured.SignerId, image.SignerId);
        Assert.Equal("2", image.Version);
        Assert.Equal("sha-384", image.MeasurementDescription);
        Assert.Equal(AttestationClaimKeys.PsaProfile, claims.Profile);
        Assert.Equal([0x01, .. SHA256.HashData(key.SubjectPublicKeyInfo.Span)], claims.InstanceId);
        Assert.Equal(SHA256.HashData("TmelRpmsg TME-L simulator v1"u8), claims.ImplementationId);
        Assert.Equal(0x3000, claims.SecurityLifecycle);
        Assert.Equal(32, claims.BootSeed!.Length);
        Assert.True(claims.ClientId < 0);
        Assert.Null(claims.ExtraClaims);

        await rig.Client.TearDownAsync(TestImages.SwId, Ct);
        byte[] nonce2 = RandomNumberGenerator.GetBytes(32);
        AttestationClaims after = AttestationTokenVerifier.Verify(await rig.Attestation.AttestAsync(nonce2, cancellationToken: Ct), leaf, nonce2);
        Assert.Equal("TMEL_SIM_FW", Assert.Single(after.SoftwareComponents).MeasurementType);
        Assert.Equal(claims.BootSeed, after.BootSeed);                                 // one boot
        Assert.Equal(rig.SharedMemory.Size, rig.SharedMemory.FreeBytes);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(48)]
    [InlineData(64)]
    public async Task AttestAsync_EachAllowedNonceSize_IsInTheToken(int length)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        byte[] nonce = RandomNumberGenerator.GetBytes(length);

        byte[] token = await rig.Attestation.AttestAsync(nonce, cancellationToken: Ct);

        using ECDsa key = rig.Simulator.AttestationPublicKey.CreateEcdsa();
        Assert.Equal(nonce, AttestationTokenVerifier.Verify(token, key, nonce).Nonce);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(33)]
    [InlineData(65)]
    public async Task DeviceAttestation_OtherNonceSize_IsBadParameter_NothingWritten(int length)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        (TmelcomPacket reply, QwesDeviceAttestationMessage answer, byte[] output) = await RawAttestAsync(rig, AttestationRequestFormat.EncodeUnchecked(new byte[length]), extraClaims: null);

        Assert.Equal(0, reply.Response);
        Assert.Equal(((uint)TmelStatus.BadParameter, 0u), (answer.Status, answer.OutLength));
        Assert.Equal(new byte[output.Length], output);
    }

    [Theory]
    [InlineData("A10A5820", TmelStatus.BadMessage)]                           // the byte string is cut short
    [InlineData("A20A4100" + "0B4100", TmelStatus.BadMessage)]                // a second key
    [InlineData("80", TmelStatus.BadMessage)]                                 // an array, not a map
    public async Task DeviceAttestation_MalformedRequest_IsBadMessage(string hex, TmelStatus expected)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        (_, QwesDeviceAttestationMessage answer, _) = await RawAttestAsync(rig, Convert.FromHexString(hex), extraClaims: null);
        Assert.Equal(((uint)expected, 0u), (answer.Status, answer.OutLength));
    }

    [Fact]
    public async Task AttestAsync_ExtraClaims_AreEmbeddedUnderTheirKey()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        var writer = new CborWriter();
        writer.WriteStartMap(1);
        writer.WriteTextString("app");
        writer.WriteTextString("demo");
        writer.WriteEndMap();
        byte[] extra = writer.Encode();
        byte[] nonce = RandomNumberGenerator.GetBytes(32);

        byte[] token = await rig.Attestation.AttestAsync(nonce, extra, Ct);

        using ECDsa key = rig.Simulator.AttestationPublicKey.CreateEcdsa();
        Assert.Equal(extra, AttestationTokenVerifier.Verify(token, key, nonce).ExtraClaims);
    }

    [Fact]
    public async Task AttestAsync_ExtraClaimsNotAMap_IsBadMessage()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Attestation.AttestAsync(new byte[32], new byte[] { 0x01 }, Ct));

        Assert.Equal((TmelcomUid.QwesDeviceAttestation, TmelStatus.BadMessage), (ex.Uid, ex.Status));
    }

    [Fact]
    public async Task DeviceAttestation_ExtraClaimsAddressZero_IsAbsentWhateverItsLength()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        byte[] nonce = RandomNumberGenerator.GetBytes(32);

        (_, QwesDeviceAttestationMessage answer, byte[] output) = await RawAttestAsync(rig, AttestationRequestFormat.Encode(nonce), new TmelcomBuffer(0, 200));

        Assert.Equal(0u, answer.Status);
        using ECDsa key = rig.Simulator.AttestationPublicKey.CreateEcdsa();
        Assert.Null(AttestationTokenVerifier.Verify(output.AsSpan(0, (int)answer.OutLength), key, nonce).ExtraClaims);
    }

    [Fact]
    public async Task DeviceAttestation_ResponseBufferTooSmall_IsBadParameter_OutLengthZero()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        (_, QwesDeviceAttestationMessage answer, byte[] output) = await RawAttestAsync(rig, AttestationRequestFormat.Encode(new byte[32]), extraClaims: null, responseLength: 64);

        Assert.Equal(((uint)TmelStatus.BadParameter, 0u), (answer.Status, answer.OutLength));
        Assert.Equal(new byte[64], output);
    }

    [Fact]
    public async Task AddressZero_Attestation_ClientIdNamesAppsAndTheRfcDriver()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using TmelcomAddressZeroClient rfc = TmelcomAddressZeroClient.Create(rig.Bus, rig.SharedMemory);
        byte[] nonce = RandomNumberGenerator.GetBytes(64);

        AttestationPublicKey key = await rfc.Attestation.GetPublicKeyAsync(cancellationToken: Ct);
        using X509Certificate2 leaf = key.LoadCertificates()[0];
        AttestationClaims claims = AttestationTokenVerifier.Verify(await rfc.Attestation.AttestAsync(nonce, cancellationToken: Ct), leaf, nonce);

        // APPS is subsystem 3; the RFC's driver sends from address 0 (docs/subsystem-identity.md).
        Assert.Equal(-0x30000, claims.ClientId);
    }

    [Fact]
    public async Task TwoSimulators_AreTwoDevices_WithTheirOwnKeys()
    {
        await using StackRig one = await StackRig.StartAsync(Ct);
        await using StackRig two = await StackRig.StartAsync(Ct);
        byte[] nonce = new byte[32];
        byte[] token = await one.Attestation.AttestAsync(nonce, cancellationToken: Ct);

        using ECDsa other = two.Simulator.AttestationPublicKey.CreateEcdsa();
        var ex = Assert.Throws<AttestationVerificationException>(() => AttestationTokenVerifier.Verify(token, other, nonce));
        Assert.Equal(AttestationVerificationFailure.WrongKey, ex.Failure);
    }

    private static async Task<(TmelcomPacket Reply, QwesDeviceAttestationMessage Answer, byte[] Output)> RawAttestAsync(StackRig rig, byte[] request, TmelcomBuffer? extraClaims, uint responseLength = 2048)
    {
        await using RpmsgEndpoint raw = rig.Attestation.Device!.CreateEndpoint(RpmsgAddress.Any);
        QmpSharedBuffer requestBuffer = rig.SharedMemory.Allocate(Math.Max(1, request.Length));
        requestBuffer.Write(0, request);
        QmpSharedBuffer output = rig.SharedMemory.Allocate((int)responseLength);
        QmpSharedBuffer message = rig.SharedMemory.Allocate(QwesDeviceAttestationMessage.MessageSize);
        byte[] bytes = new byte[QwesDeviceAttestationMessage.MessageSize];
        QwesDeviceAttestationMessage.Encode(
            QwesDeviceAttestationMessage.CreateRequest(new TmelcomBuffer(requestBuffer.BusAddress, (uint)request.Length), extraClaims ?? default, new TmelcomBuffer(output.BusAddress, responseLength)),
            bytes);
        message.Write(0, bytes);

        TmelcomPacket reply = await RawTmelcom.ExchangeAsync(raw, TmelcomPacket.CreateSram(QwesDeviceAttestationMessage.Uid, message.BusAddress, QwesDeviceAttestationMessage.MessageSize), Ct);

        Assert.Equal(0, reply.Response);
        Assert.Equal(message.BusAddress, reply.PayloadAddress);
        QwesDeviceAttestationMessage answer = QwesDeviceAttestationMessage.Decode(message.ToArray());
        Assert.Equal(bytes[4..28], message.ToArray()[4..28]);                     // request words untouched
        Assert.True(answer.OutLength <= responseLength);
        return (reply, answer, output.ToArray());
    }
}
