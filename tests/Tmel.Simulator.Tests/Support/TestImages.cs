using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using Tmel.Services.ImageAuth;

namespace Tmel.Simulator.Tests.Support;

/// <summary>Signing identities, fuses and signed images for the whole-stack tests.</summary>
internal static class TestImages
{
    public const uint SwId = 0x0D;
    public const ulong HwId = 0x0013_00E1;
    public const uint OemId = 0x0042;
    public const uint ModelId = 0x1234;

    /// <summary>Where the images link: a physical address far from the shared memory, so the client relocates.</summary>
    public const uint LinkAddress = 0x4A40_0000;

    /// <summary>When the identities were issued.</summary>
    public static readonly DateTimeOffset Issued = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The simulated time the simulator runs at: a month after issue.</summary>
    public static readonly DateTimeOffset Now = Issued.AddDays(30);

    private static readonly Lazy<TsimSigningIdentity> s_identity = new(Create);
    private static readonly Lazy<TsimSigningIdentity> s_other = new(Create);

    /// <summary>The identity the simulator's fuses trust.</summary>
    public static TsimSigningIdentity Identity => s_identity.Value;

    /// <summary>Another identity with the same fields but its own root, which the fuses do not trust.</summary>
    public static TsimSigningIdentity Untrusted => s_other.Value;

    public static TsimFuses Fuses() => new()
    {
        OemPkHash = Identity.OemPkHash,
        OemId = OemId,
        ModelId = ModelId,
        HwId = HwId,
        MinimumAntiRollback = new Dictionary<uint, uint> { [SwId] = 1 },
    };

    public static TsimSignOptions SignOptions(uint swId = SwId) => new()
    {
        SwId = swId,
        OemId = OemId,
        ModelId = ModelId,
        HwId = HwId,
        AntiRollbackVersion = 2,
    };

    public static byte[] Sign(byte[] elf, TsimSigningIdentity? identity = null, uint swId = SwId) =>
        TsimImageSigner.Sign(elf, identity ?? Identity, SignOptions(swId));

    /// <summary>A signed three-segment image linked at <paramref name="baseAddress"/>.</summary>
    public static TsimImage Firmware(uint baseAddress = LinkAddress, int codeLength = 0x60, TsimSigningIdentity? identity = null, uint swId = SwId) =>
        TsimImage.Parse(Sign(TestElf.Firmware(baseAddress, codeLength), identity, swId));

    /// <summary>The offset, in the metadata, of the OEM signature's first byte (ELF32: header and phdrs, then the hash segment's parts).</summary>
    public static int SignatureOffset(ReadOnlySpan<byte> metadata)
    {
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(metadata[44..]);
        int headers = 52 + (phnum * 32);
        return headers + 40 + 24 + 224 + (48 * phnum);
    }

    private static TsimSigningIdentity Create() => TsimSigningIdentity.Create(
        new TsimIdentityOptions
        {
            SwId = SwId,
            HwId = HwId,
            OemId = OemId,
            ModelId = ModelId,
            ThreeLevels = true,
            Validity = TimeSpan.FromDays(365),
        },
        new FakeTimeProvider(Issued));
}
