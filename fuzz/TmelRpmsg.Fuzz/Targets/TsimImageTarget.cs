using Tmel.Services.ImageAuth;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>
/// The TSIM-MBN7 image loader and verifier on a signed file. The input is the fuses' 48-byte OEM public-key hash (the
/// trust anchor, so that seeds signed by any identity verify), then the file. <see cref="TsimImage.Parse"/> throws only
/// <see cref="TsimImageException"/>; <see cref="TsimImageVerifier.VerifyFile(ReadOnlyMemory{byte}, uint, TsimFuses, DateTimeOffset)"/>
/// and <see cref="TsimImageVerifier.Verify"/> throw nothing and agree with each other.
/// </summary>
internal sealed class TsimImageTarget : FuzzTarget
{
    /// <summary>The fuses' OEM public-key hash length (SHA-384).</summary>
    public const int OemPkHashLength = 48;

    /// <summary>The software id, OEM id, model id and hardware id the seeds are signed for.</summary>
    public const uint SwId = 0x0D;
    public const uint OemId = 0x0042;
    public const uint ModelId = 0x1234;
    public const ulong HwId = 0x0013_00E1;

    /// <summary>When the seeds' identity was created; the verifier runs 30 days later.</summary>
    public static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The largest carve-out the harness lays out (the loader accepts up to <see cref="TsimImage.MaxLoadSize"/>).</summary>
    private const int MaxLoadImage = 1024 * 1024;

    public override string Name => "tsim-image";

    public static TsimFuses Fuses(ReadOnlySpan<byte> oemPkHash) => new()
    {
        OemPkHash = oemPkHash.ToArray(),
        OemId = OemId,
        ModelId = ModelId,
        HwId = HwId,
        MinimumAntiRollback = new Dictionary<uint, uint> { [SwId] = 1 },
    };

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < OemPkHashLength)
        {
            return;
        }

        TsimFuses fuses = Fuses(input[..OemPkHashLength]);
        ReadOnlyMemory<byte> file = input[OemPkHashLength..].ToArray();
        DateTimeOffset now = Created.AddDays(30);
        TsimVerificationResult offline = TsimImageVerifier.VerifyFile(file, SwId, fuses, now);

        TsimImage image;
        try
        {
            image = TsimImage.Parse(file);
        }
        catch (TsimImageException)
        {
            FuzzInvariantException.Check(!offline.IsSuccess, "a file the loader refuses verified");
            return;
        }

        if (image.LoadSize <= MaxLoadImage)
        {
            // Bounded so that a crafted 256 MiB carve-out costs the fuzzer no time; the size check is the loader's own.
            FuzzInvariantException.Check(image.CreateLoadImage().Length == image.LoadSize, "the carve-out is not LoadSize bytes");
        }

        TsimVerificationResult loaded = TsimImageVerifier.Verify(image.Metadata.Span, SwId, fuses, image.CreateLoadedMemory(), now);
        FuzzInvariantException.Check(
            loaded.IsSuccess == offline.IsSuccess,
            $"the file and its loaded form verify differently: {offline.Status}/{offline.ExtendedError} vs {loaded.Status}/{loaded.ExtendedError}");
    }
}
