using System.Diagnostics.CodeAnalysis;
using TmelRpmsg.Fuzz.Targets;

namespace TmelRpmsg.Fuzz;

/// <summary>Every fuzz target, by name.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new QmpLinkTarget(),
        new NameServiceTarget(),
        new TmelcomPacketTarget(),
        new ImageAuthStructsTarget(),
        new AttestationStructsTarget(),
        new DeviceStructsTarget(),
        new CryptoStructsTarget(),
        new SimulatorServicesTarget(),
        new TsimImageTarget(),
        new AttestationTokenTarget(),
        new ProcessLayoutTarget(),
    ];

    public static bool TryGet(string name, [NotNullWhen(true)] out FuzzTarget? target)
    {
        target = All.FirstOrDefault(t => t.Name == name);
        return target is not null;
    }
}
