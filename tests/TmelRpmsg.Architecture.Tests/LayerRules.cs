namespace TmelRpmsg.Architecture.Tests;

/// <summary>The layer arrows of DESIGN.md ("The picture"): which source project may reference which.</summary>
/// <remarks>
/// Arrows only go down. A project missing from the repository is simply absent; a source project missing from
/// <see cref="Allowed"/> is a violation, so a new project gets its place in the layers deliberately.
/// </remarks>
internal static class LayerRules
{
    public const string RpmsgCore = "Rpmsg.Core";
    public const string TransportQmp = "Tmel.Transport.Qmp";
    public const string Services = "Tmel.Services";
    public const string Simulator = "Tmel.Simulator";
    public const string Cli = "Tmel.Cli";

    /// <summary>Each known source project and the source projects it may reference; <see langword="null"/> means any of them.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>?> Allowed { get; } = new Dictionary<string, IReadOnlySet<string>?>(StringComparer.Ordinal)
    {
        [RpmsgCore] = new HashSet<string>(StringComparer.Ordinal),
        [TransportQmp] = new HashSet<string>(StringComparer.Ordinal) { RpmsgCore },
        [Services] = new HashSet<string>(StringComparer.Ordinal) { RpmsgCore },
        [Simulator] = new HashSet<string>(StringComparer.Ordinal) { RpmsgCore, TransportQmp, Services },
        [Cli] = null,
    };

    /// <summary>Checks a reference graph of source projects against the layer rules.</summary>
    /// <param name="graph">Each source project's name and the projects it references directly.</param>
    /// <returns>One sentence per violation, in a stable order; empty when the graph follows the rules.</returns>
    public static IReadOnlyList<string> Check(IReadOnlyDictionary<string, IReadOnlyCollection<ProjectRef>> graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        List<string> violations = [];
        foreach ((string project, IReadOnlyCollection<ProjectRef> references) in graph.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            bool known = Allowed.TryGetValue(project, out IReadOnlySet<string>? allowed);
            if (!known)
            {
                violations.Add($"src/{project} has no place in the layer rules; add it to {nameof(LayerRules)} deliberately.");
            }

            foreach (ProjectRef reference in references.OrderBy(r => r.ToString(), StringComparer.Ordinal))
            {
                if (!reference.IsSource)
                {
                    violations.Add($"src/{project} references {reference}, which is outside src/.");
                }
                else if (!Allowed.ContainsKey(reference.Name))
                {
                    violations.Add($"src/{project} references {reference}, which has no place in the layer rules.");
                }
                else if (known && allowed is not null && !allowed.Contains(reference.Name))
                {
                    violations.Add($"src/{project} references {reference} against the layer arrows (allowed: {Describe(allowed)}).");
                }
            }
        }

        return violations;
    }

    private static string Describe(IReadOnlySet<string> allowed) =>
        allowed.Count == 0 ? "nothing" : string.Join(", ", allowed.Order(StringComparer.Ordinal));
}
