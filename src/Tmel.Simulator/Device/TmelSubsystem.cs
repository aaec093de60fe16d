using System.Text;

namespace Tmel.Simulator;

/// <summary>
/// One subsystem a simulated device serves through its own mailbox pair: its name (the directory name of
/// <c>tmel simulator --subsystem</c>) and its id. The id is what the services hang identity on: the owner of the crypto
/// keys it creates, the attestation client id, the scope of its authenticated images. It comes from the mailbox pair a
/// request arrived on, never from the request (docs/subsystem-identity.md).
/// </summary>
/// <remarks>
/// Ids: the key policy's owner codes (tmelcom-services.md §4.3, KO) where the sheet has one: tz 2, apps 3 (HLOS/HYP, the
/// non-secure APPS world that drives the RFC's mailbox), modem 4, qsm 5. Named subsystems the sheet has no code for take
/// KO's undefined values: btss 6, audioss 7, wpss 8, adsp 9, cdsp 10. Any other name gets an id from 0x100 up, stable for
/// the name (<see cref="HashedId"/>); a device resolves a clash between two such names by taking the next free id.
/// </remarks>
/// <param name="Name">The subsystem's name: 1-32 of [a-z0-9_-].</param>
/// <param name="Id">The subsystem's id: 1..0x7FFF.</param>
internal sealed record TmelSubsystem(string Name, uint Id)
{
    /// <summary>The largest id: client ids (<see cref="ClientId"/>) must stay negative 32-bit integers.</summary>
    public const uint MaxId = 0x7FFF;

    /// <summary>The first id given to a name outside the table.</summary>
    public const uint FirstHashedId = 0x100;

    /// <summary>The name of the application processor's subsystem, the only one the in-process simulator serves.</summary>
    public const string AppsName = "apps";

    /// <summary>The ids of the names the table fixes.</summary>
    public static IReadOnlyDictionary<string, uint> WellKnownIds { get; } = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["tz"] = 2,
        [AppsName] = 3,
        ["modem"] = 4,
        ["qsm"] = 5,
        ["btss"] = 6,
        ["audioss"] = 7,
        ["wpss"] = 8,
        ["adsp"] = 9,
        ["cdsp"] = 10,
    };

    /// <summary>Gets the APPS subsystem (id 3).</summary>
    public static TmelSubsystem Apps { get; } = new(AppsName, WellKnownIds[AppsName]);

    /// <summary>Whether <paramref name="name"/> is a valid subsystem name: 1-32 of [a-z0-9_-].</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: >= 1 and <= 32 } && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-');

    /// <summary>The id a name outside the table asks for: 0x100 + FNV-1a-32 of its ASCII bytes modulo 0x7F00.</summary>
    public static uint HashedId(string name)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.ASCII.GetBytes(name))
        {
            hash = unchecked((hash ^ b) * 16777619);
        }

        return FirstHashedId + (hash % (MaxId + 1 - FirstHashedId));
    }

    /// <summary>
    /// The PSA client id (claim 2394) of a caller on this subsystem's mailbox: <c>-(Id &lt;&lt; 16 | source)</c>, negative
    /// (a non-secure caller), naming the subsystem in bits 16..30 and the caller's rpmsg source address (0 for the RFC's
    /// raw driver) in bits 0..15.
    /// </summary>
    /// <param name="source">The rpmsg source address of the request (at most 0xFFFE on this bus; larger values are clamped to 0xFFFF).</param>
    public int ClientId(uint source) => -(int)((Id << 16) | Math.Min(source, 0xFFFFu));

    public override string ToString() => $"{Name} (id {Id})";
}
