using Microsoft.Extensions.Time.Testing;
using Tmel.Services.ImageAuth;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>Shared signing identities (creating one costs three P-384 key pairs) and the matching fuses and options.</summary>
internal static class TestIdentities
{
    public const uint SwId = 0x0D;
    public const ulong HwId = 0x0013_00E1;
    public const uint OemId = 0x0042;
    public const uint ModelId = 0x1234;

    /// <summary>When the identities were created.</summary>
    public static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The simulated time the tests verify at.</summary>
    public static readonly DateTimeOffset Now = Created.AddDays(30);

    private static readonly Lazy<TsimSigningIdentity> s_threeLevels = new(() => Create(threeLevels: true));
    private static readonly Lazy<TsimSigningIdentity> s_twoLevels = new(() => Create(threeLevels: false));

    public static TsimSigningIdentity ThreeLevels => s_threeLevels.Value;

    public static TsimSigningIdentity TwoLevels => s_twoLevels.Value;

    public static TsimSigningIdentity Get(bool threeLevels) => threeLevels ? ThreeLevels : TwoLevels;

    public static TsimIdentityOptions IdentityOptions(bool threeLevels = true) => new()
    {
        SwId = SwId,
        HwId = HwId,
        OemId = OemId,
        ModelId = ModelId,
        ThreeLevels = threeLevels,
        Validity = TimeSpan.FromDays(365),
    };

    public static TsimSigningIdentity Create(bool threeLevels) =>
        TsimSigningIdentity.Create(IdentityOptions(threeLevels), new FakeTimeProvider(Created));

    public static TsimSignOptions SignOptions(uint antiRollback = 4) => new()
    {
        SwId = SwId,
        HwId = HwId,
        OemId = OemId,
        ModelId = ModelId,
        AntiRollbackVersion = antiRollback,
    };

    public static TsimFuses Fuses(TsimSigningIdentity identity) => new()
    {
        OemPkHash = identity.OemPkHash,
        OemId = OemId,
        ModelId = ModelId,
        HwId = HwId,
        MinimumAntiRollback = new Dictionary<uint, uint> { [SwId] = 3 },
    };
}
