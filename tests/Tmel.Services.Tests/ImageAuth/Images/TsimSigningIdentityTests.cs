using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Tmel.Services.ImageAuth;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>The signing identity: what Create issues (services.md §1.6, §1.8), the chain encoding, and Save/Load.</summary>
public sealed class TsimSigningIdentityTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tsim-identity-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Create_IssuesTheSheetsChain(bool threeLevels)
    {
        TsimSigningIdentity identity = TestIdentities.Get(threeLevels);

        Assert.Equal(threeLevels, identity.Ca is not null);
        Assert.False(identity.Root.HasPrivateKey);
        Assert.False(identity.Ca?.HasPrivateKey ?? false);
        Assert.True(identity.Signer.HasPrivateKey);
        Assert.Equal(identity.Root.SubjectName.Name, identity.Root.IssuerName.Name);
        Assert.Equal((threeLevels ? identity.Ca! : identity.Root).SubjectName.Name, identity.Signer.IssuerName.Name);
        AssertIssuer(identity.Root);
        if (identity.Ca is not null)
        {
            AssertIssuer(identity.Ca);
        }

        X509BasicConstraintsExtension leafConstraints = identity.Signer.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.False(leafConstraints.CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, identity.Signer.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        foreach (X509Certificate2 certificate in new[] { identity.Root, identity.Ca, identity.Signer }.OfType<X509Certificate2>())
        {
            using ECDsa key = certificate.GetECDsaPublicKey()!;
            Assert.Equal(384, key.KeySize);
            Assert.Equal("1.2.840.10045.4.3.3", certificate.SignatureAlgorithm.Value); // ecdsa-with-SHA384
            Assert.Equal(TestIdentities.Created.UtcDateTime, certificate.NotBefore.ToUniversalTime());
            Assert.Equal(TestIdentities.Created.AddDays(365).UtcDateTime, certificate.NotAfter.ToUniversalTime());
        }
    }

    [Fact]
    public void Create_SignerSubject_CarriesTheOus()
    {
        string[] units = [.. TestIdentities.ThreeLevels.Signer.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(n => n.GetSingleElementType().Value == "2.5.4.11")
            .Select(n => n.GetSingleElementValue()!)];

        Assert.Equal(
            ["01 000000000000000D SW_ID", "02 00000000001300E1 HW_ID", "03 0000000000000002 DEBUG", "04 0042 OEM_ID", "06 1234 MODEL_ID", "07 0002 SHA384"],
            units);
        Assert.Contains("CN=TmelRpmsg test attestation", TestIdentities.ThreeLevels.Signer.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SecondFractionOfNow_IsTruncated()
    {
        using TsimSigningIdentity identity = TsimSigningIdentity.Create(TestIdentities.IdentityOptions(), new FakeTimeProvider(TestIdentities.Created.AddMilliseconds(900)));
        Assert.Equal(TestIdentities.Created.UtcDateTime, identity.Signer.NotBefore.ToUniversalTime());
    }

    [Fact]
    public void Create_Defaults_TenYearsAndThreeLevels()
    {
        var options = new TsimIdentityOptions();
        Assert.True(options.ThreeLevels);
        Assert.Equal(TimeSpan.FromDays(3650), options.Validity);
        Assert.Equal("TmelRpmsg test", options.CommonNamePrefix);
        using TsimSigningIdentity identity = TsimSigningIdentity.Create(options, new FakeTimeProvider(TestIdentities.Created));
        Assert.NotNull(identity.Ca);
        Assert.Equal(TestIdentities.Created.AddDays(3650).UtcDateTime, identity.Root.NotAfter.ToUniversalTime());
    }

    // The options type is internal (TSIM tooling is not client API): the theory takes the case's name.
    private static readonly Dictionary<string, Func<TsimIdentityOptions>> s_invalidOptions = new(StringComparer.Ordinal)
    {
        ["OEM_ID above 4 hex digits"] = () => new TsimIdentityOptions { OemId = 0x1_0000 },
        ["MODEL_ID above 4 hex digits"] = () => new TsimIdentityOptions { ModelId = 0x1_0000 },
        ["HW_ID above 32 bits"] = () => new TsimIdentityOptions { HwId = 0x1_0000_0000 },
        ["zero validity"] = () => new TsimIdentityOptions { Validity = TimeSpan.Zero },
        ["negative validity"] = () => new TsimIdentityOptions { Validity = TimeSpan.FromDays(-1) },
        ["validity above 100 years"] = () => new TsimIdentityOptions { Validity = TimeSpan.FromDays(36526) },
        ["empty name"] = () => new TsimIdentityOptions { CommonNamePrefix = " " },
    };

    public static TheoryData<string> InvalidOptions() => [.. s_invalidOptions.Keys];

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Create_InvalidOptions_ThrowsTsimImageException(string why)
    {
        TsimIdentityOptions options = s_invalidOptions[why]();
        Assert.Throws<TsimImageException>(() => TsimSigningIdentity.Create(options));
        Assert.NotNull(why);
    }

    [Fact]
    public void Create_NullOptions_Throws() => Assert.Throws<ArgumentNullException>(() => TsimSigningIdentity.Create(null!));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EncodeChain_IsLeafCaRootDer(bool threeLevels)
    {
        TsimSigningIdentity identity = TestIdentities.Get(threeLevels);
        byte[] expected = threeLevels
            ? [.. identity.Signer.RawData, .. identity.Ca!.RawData, .. identity.Root.RawData]
            : [.. identity.Signer.RawData, .. identity.Root.RawData];
        Assert.Equal(expected, identity.EncodeChain());
    }

    [Fact]
    public void OemPkHash_IsSha384OfRootDer_AndACopy()
    {
        TsimSigningIdentity identity = TestIdentities.ThreeLevels;
        byte[] hash = identity.OemPkHash;
        Assert.Equal(SHA384.HashData(identity.Root.RawData), hash);
        hash[0] ^= 0xFF;
        Assert.NotEqual(hash, identity.OemPkHash);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SaveLoad_RoundTrip_KeepsChainAndKey(bool threeLevels)
    {
        TsimSigningIdentity identity = TestIdentities.Get(threeLevels);
        identity.Save(_directory);

        using TsimSigningIdentity loaded = TsimSigningIdentity.Load(_directory);

        Assert.Equal(identity.EncodeChain(), loaded.EncodeChain());
        Assert.Equal(identity.OemPkHash, loaded.OemPkHash);
        Assert.True(loaded.Signer.HasPrivateKey);
        Assert.False(loaded.Root.HasPrivateKey);
        byte[] signed = TsimImageSigner.Sign(TestElfWriter.SmallFirmware(false), loaded, TestIdentities.SignOptions());
        Assert.True(TsimImageVerifier.VerifyFile(signed, TestIdentities.SwId, TestIdentities.Fuses(identity), TestIdentities.Now).IsSuccess);
    }

    [Fact]
    public void Save_WritesOnlyTheSignerKey_WithOwnerOnlyMode()
    {
        TestIdentities.ThreeLevels.Save(_directory);

        string[] files = [.. Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(["ca.pem", "oem_pk_hash.hex", "root.pem", "signer.key", "signer.pem"], files);
        foreach (string name in new[] { "root.pem", "ca.pem", "signer.pem" })
        {
            string text = File.ReadAllText(Path.Combine(_directory, name));
            Assert.StartsWith("-----BEGIN CERTIFICATE-----", text, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        }

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(Path.Combine(_directory, "signer.key")), StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(TestIdentities.ThreeLevels.OemPkHash) + "\n", File.ReadAllText(Path.Combine(_directory, "oem_pk_hash.hex")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, "signer.key")));
        }
    }

    [Fact]
    public void Save_DirectoryHoldsAnIdentity_ThrowsAndLeavesItUnchanged()
    {
        TestIdentities.ThreeLevels.Save(_directory);
        string hash = File.ReadAllText(Path.Combine(_directory, "oem_pk_hash.hex"));

        TsimImageException e = Assert.Throws<TsimImageException>(() => TestIdentities.TwoLevels.Save(_directory));

        Assert.Contains("already holds a signing identity", e.Message, StringComparison.Ordinal);
        Assert.Equal(hash, File.ReadAllText(Path.Combine(_directory, "oem_pk_hash.hex")));
        Assert.True(File.Exists(Path.Combine(_directory, "ca.pem")));
    }

    [Fact]
    public void Save_LinkPlantedAtTheKeyName_ThrowsWithoutWritingThroughIt()
    {
        string victim = PlantLinkAtTheKeyName();
        try
        {

            Assert.Throws<TsimImageException>(() => TestIdentities.ThreeLevels.Save(_directory));

            Assert.Equal("precious", File.ReadAllText(victim));
            Assert.False(File.Exists(Path.Combine(_directory, "root.pem")));
        }
        finally
        {
            File.Delete(victim);
        }
    }

    [Fact]
    public void Save_OverwriteWithALinkAtTheKeyName_ReplacesTheLinkNotItsTarget()
    {
        string victim = PlantLinkAtTheKeyName();
        try
        {

            TestIdentities.ThreeLevels.Save(_directory, overwrite: true);

            Assert.Equal("precious", File.ReadAllText(victim));
            var key = new FileInfo(Path.Combine(_directory, "signer.key"));
            Assert.Null(key.LinkTarget);
            using TsimSigningIdentity loaded = TsimSigningIdentity.Load(_directory);
            Assert.True(loaded.CanSign);
        }
        finally
        {
            File.Delete(victim);
        }
    }

    [Fact]
    public void LoadPublic_WithoutSignerKey_LoadsTheCertificatesAndFuseValue_AndCannotSign()
    {
        TestIdentities.ThreeLevels.Save(_directory);
        File.Delete(Path.Combine(_directory, "signer.key"));

        using TsimSigningIdentity loaded = TsimSigningIdentity.LoadPublic(_directory);

        Assert.False(loaded.CanSign);
        Assert.Equal(TestIdentities.ThreeLevels.EncodeChain(), loaded.EncodeChain());
        Assert.Equal(TestIdentities.ThreeLevels.OemPkHash, loaded.CreateFuses().OemPkHash);
        Assert.Equal(TestIdentities.SwId, loaded.GetSoftwareId());
        TsimImageException e = Assert.Throws<TsimImageException>(() => TsimImageSigner.Sign(TestElfWriter.SmallFirmware(false), loaded, TestIdentities.SignOptions()));
        Assert.Contains("signer.key", e.Message, StringComparison.Ordinal);
        Assert.Throws<TsimImageException>(() => TsimSigningIdentity.Load(_directory));
    }

    [Fact]
    public void Save_TwoLevelsOverThreeLevels_RemovesTheStaleCa()
    {
        TestIdentities.ThreeLevels.Save(_directory);
        TestIdentities.TwoLevels.Save(_directory, overwrite: true);

        Assert.False(File.Exists(Path.Combine(_directory, "ca.pem")));
        using TsimSigningIdentity loaded = TsimSigningIdentity.Load(_directory);
        Assert.Null(loaded.Ca);
        Assert.Equal(TestIdentities.TwoLevels.EncodeChain(), loaded.EncodeChain());
    }

    public static TheoryData<string> Corruptions() => [.. s_corruptions.Keys];

    private static readonly Dictionary<string, Action<string>> s_corruptions = new()
    {
        ["no directory"] = d => Directory.Delete(d, recursive: true),
        ["root.pem missing"] = d => File.Delete(Path.Combine(d, "root.pem")),
        ["signer.pem missing"] = d => File.Delete(Path.Combine(d, "signer.pem")),
        ["signer.key missing"] = d => File.Delete(Path.Combine(d, "signer.key")),
        ["oem_pk_hash.hex missing"] = d => File.Delete(Path.Combine(d, "oem_pk_hash.hex")),
        ["root.pem garbage"] = d => File.WriteAllText(Path.Combine(d, "root.pem"), "garbage"),
        ["root.pem bad base64"] = d => File.WriteAllText(Path.Combine(d, "root.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        ["root.pem holds a key"] = d => File.Copy(Path.Combine(d, "signer.key"), Path.Combine(d, "root.pem"), overwrite: true),
        ["signer.key garbage"] = d => File.WriteAllText(Path.Combine(d, "signer.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
        ["signer.key empty"] = d => File.WriteAllText(Path.Combine(d, "signer.key"), ""),
        ["signer.key is a P-256 key"] = d => File.WriteAllText(Path.Combine(d, "signer.key"), ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem()),
        ["signer.key of another identity"] = d => File.WriteAllText(Path.Combine(d, "signer.key"), ECDsa.Create(ECCurve.NamedCurves.nistP384).ExportPkcs8PrivateKeyPem()),
        ["oem_pk_hash.hex not hex"] = d => File.WriteAllText(Path.Combine(d, "oem_pk_hash.hex"), "zz"),
        ["oem_pk_hash.hex of another root"] = d => File.WriteAllText(Path.Combine(d, "oem_pk_hash.hex"), Convert.ToHexString(TestIdentities.TwoLevels.OemPkHash)),
        ["ca.pem removed"] = d => File.Delete(Path.Combine(d, "ca.pem")),
        ["root.pem of another identity"] = d =>
        {
            File.WriteAllText(Path.Combine(d, "root.pem"), TestIdentities.TwoLevels.Root.ExportCertificatePem());
            File.WriteAllText(Path.Combine(d, "oem_pk_hash.hex"), Convert.ToHexString(TestIdentities.TwoLevels.OemPkHash));
        },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Load_MissingOrInvalidFiles_ThrowsTsimImageException(string corruption)
    {
        TestIdentities.ThreeLevels.Save(_directory);
        s_corruptions[corruption](_directory);

        TsimImageException e = Assert.Throws<TsimImageException>(() => TsimSigningIdentity.Load(_directory));
        Assert.DoesNotContain("PRIVATE KEY", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BlankDirectory_ThrowsArgumentException() => Assert.ThrowsAny<ArgumentException>(() => TsimSigningIdentity.Load(" "));

    [Fact]
    public void Dispose_ThenUse_ThrowsObjectDisposed()
    {
        TsimSigningIdentity identity = TestIdentities.Create(threeLevels: false);
        identity.Dispose();
        identity.Dispose();
        Assert.Throws<ObjectDisposedException>(identity.EncodeChain);
        Assert.Throws<ObjectDisposedException>(() => identity.Save(_directory));
    }

    private static void AssertIssuer(X509Certificate2 certificate)
    {
        X509BasicConstraintsExtension constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        Assert.True(certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
    }

    /// <summary>Creates the identity directory with <c>signer.key</c> a symbolic link to a file outside it; returns that file, which the caller deletes.</summary>
    private string PlantLinkAtTheKeyName()
    {
        Directory.CreateDirectory(_directory);
        string victim = Path.Combine(_directory, "..", Path.GetFileName(_directory) + ".victim");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(Path.Combine(_directory, "signer.key"), victim);
        return victim;
    }
}
