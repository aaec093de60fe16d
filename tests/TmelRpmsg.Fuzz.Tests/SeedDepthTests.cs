using Tmel.Services.Attestation;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;
using Tmel.Transport.Qmp;
using TmelRpmsg.Fuzz.Targets;

namespace TmelRpmsg.Fuzz.Tests;

/// <summary>
/// The seeds reach the deep paths the fuzzer mutates from: a seed that stopped verifying (a format change, a harness
/// that lost its trust anchor) would leave afl-fuzz exploring only the first checks.
/// </summary>
public class SeedDepthTests
{
    private static readonly string s_corpus = Path.Combine(AppContext.BaseDirectory, "corpus");

    [Fact]
    public void TsimImageSeed_SignedImage_Verifies()
    {
        byte[] input = File.ReadAllBytes(Path.Combine(s_corpus, "tsim-image", "signed-tiny-i386"));

        TsimVerificationResult result = TsimImageVerifier.VerifyFile(
            input.AsMemory(TsimImageTarget.OemPkHashLength), TsimImageTarget.SwId, TsimImageTarget.Fuses(input.AsSpan(0, TsimImageTarget.OemPkHashLength)), TsimImageTarget.Created.AddDays(30));

        Assert.True(result.IsSuccess, $"{result.Status} {result.ExtendedError}: {result.Step} {result.Detail}");
    }

    [Theory]
    [InlineData("token-nonce-32", 32)]
    [InlineData("token-nonce-48", 48)]
    public void AttestationTokenSeed_Token_Verifies(string seed, int nonceLength)
    {
        byte[] input = File.ReadAllBytes(Path.Combine(s_corpus, "attestation-token", seed));
        int keyLength = input[0] | (input[1] << 8);
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(input.AsSpan(2, keyLength), out _);
        ReadOnlySpan<byte> rest = input.AsSpan(3 + keyLength);

        AttestationClaims claims = AttestationTokenVerifier.Verify(rest[nonceLength..], key, rest[..nonceLength]);

        Assert.Equal(nonceLength, claims.Nonce.Length);
    }

    [Fact]
    public void SimulatorServicesSeed_SecAuthThenTearDown_AuthenticatesTheImage()
    {
        byte[] input = File.ReadAllBytes(Path.Combine(s_corpus, "simulator-services", "image-auth-sec-auth-then-tear-down"));

        List<byte[]> replies = SimulatorServicesTarget.Serve(input);

        // SEC_AUTH, SEC_AUTH again (busy), SS_TEAR_DOWN (succeeds only if the image was authenticated), SS_TEAR_DOWN again.
        Assert.Equal(4, replies.Count);
        Assert.Equal([0u, 0u, 0u], replies.Take(3).Select(TearDownOrResponse));
        Assert.NotEqual(0u, TearDownOrResponse(replies[3]));
    }

    [Fact]
    public void ProcessLayoutSeed_TwoSubsystems_IsReadBack()
    {
        string directory = Directory.CreateTempSubdirectory("tmel-fuzz-seed-").FullName;
        try
        {
            File.Copy(Path.Combine(s_corpus, "process-layout", "layout-two-subsystems.json"), Path.Combine(directory, QmpProcessLayout.FileName));

            QmpProcessLayout layout = QmpProcessLayout.Read(directory);

            Assert.Equal(["apps", "modem"], layout.Subsystems.Select(s => s.Name));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The SS_TEAR_DOWN status of an inline reply; for an SRAM reply, 0 when its response byte is 0, else 1.</summary>
    private static uint TearDownOrResponse(byte[] reply)
    {
        TmelcomPacket packet = TmelcomPacket.Decode(reply);
        if (packet.IpcType == TmelcomIpcType.Sram)
        {
            return packet.Response == 0 ? 0u : 1u;
        }

        byte[] message = new byte[TmelcomPacket.MaxInlineLength];
        packet.CopyInlineMessageTo(message);
        return TearDownResponse.Decode(message.AsSpan(0, TearDownRequest.MessageSize)).Status;
    }
}
