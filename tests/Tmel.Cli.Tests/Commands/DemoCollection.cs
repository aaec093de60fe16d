namespace Tmel.Cli.Tests.Commands;

/// <summary>The tests that run a demo host: one at a time, because a demo's span recorder sees every span in the process
/// (ActivitySources are static), and the link-state lines of one demo would otherwise show those of another.</summary>
internal static class DemoCollection
{
    public const string Name = "tmel demo hosts";
}
