using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tests.ImageAuth.Images;

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
        TsimImage.Parse(Sign(FirmwareElf(baseAddress, codeLength), identity, swId));

    /// <summary>An ELF32 with three segments from <paramref name="baseAddress"/>: code, read-only data, data with a zero-filled tail.</summary>
    public static byte[] FirmwareElf(uint baseAddress, int codeLength = 0x60)
    {
        uint data = baseAddress + (uint)((codeLength + 0xFFF) & ~0xFFF);
        return TestElfWriter.Build(
            is64: false,
            [
                new TestSegment(baseAddress, TestElfWriter.Pattern(codeLength, 1), (uint)codeLength),
                new TestSegment(data, TestElfWriter.Pattern(0x30, 2), 0x30),
                new TestSegment(data + 0x1000, TestElfWriter.Pattern(0x20, 3), 0x200),
            ],
            entry: baseAddress + 0x10);
    }

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
