namespace TmelRpmsg.Architecture.Tests;

public class LayerRulesTests
{
    [Fact]
    public void Check_ThisRepository_HasNoViolations()
    {
        string root = SourceProjectGraph.FindRepositoryRoot(AppContext.BaseDirectory);
        IReadOnlyDictionary<string, IReadOnlyCollection<ProjectRef>> graph = SourceProjectGraph.Load(root);

        Assert.Contains(LayerRules.RpmsgCore, graph.Keys);
        Assert.Empty(LayerRules.Check(graph));
    }

    [Fact]
    public void Check_EveryLayerWithItsAllowedReferences_HasNoViolations()
    {
        var graph = Graph(
            (LayerRules.RpmsgCore, []),
            (LayerRules.TransportQmp, [LayerRules.RpmsgCore]),
            (LayerRules.Services, [LayerRules.RpmsgCore]),
            (LayerRules.Simulator, [LayerRules.RpmsgCore, LayerRules.TransportQmp, LayerRules.Services]),
            (LayerRules.Cli, [LayerRules.RpmsgCore, LayerRules.TransportQmp, LayerRules.Services, LayerRules.Simulator]));

        Assert.Empty(LayerRules.Check(graph));
    }

    [Fact]
    public void Check_OnlyRpmsgCoreExists_HasNoViolations()
    {
        var graph = Graph((LayerRules.RpmsgCore, []));

        Assert.Empty(LayerRules.Check(graph));
    }

    [Fact]
    public void Check_EmptyGraph_HasNoViolations() =>
        Assert.Empty(LayerRules.Check(new Dictionary<string, IReadOnlyCollection<ProjectRef>>()));

    [Theory]
    [InlineData(LayerRules.RpmsgCore, LayerRules.Services)]
    [InlineData(LayerRules.RpmsgCore, LayerRules.TransportQmp)]
    [InlineData(LayerRules.RpmsgCore, LayerRules.Cli)]
    [InlineData(LayerRules.Services, LayerRules.TransportQmp)]
    [InlineData(LayerRules.Services, LayerRules.Simulator)]
    [InlineData(LayerRules.TransportQmp, LayerRules.Services)]
    [InlineData(LayerRules.TransportQmp, LayerRules.Simulator)]
    [InlineData(LayerRules.Simulator, LayerRules.Cli)]
    public void Check_ReferenceAgainstTheArrows_IsFlagged(string from, string to)
    {
        var graph = Graph((from, [to]));

        string violation = Assert.Single(LayerRules.Check(graph));
        Assert.Contains($"src/{from} references src/{to}", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnknownSourceProject_IsFlagged()
    {
        var graph = Graph((LayerRules.RpmsgCore, []), ("Tmel.Gadgets", [LayerRules.RpmsgCore]));

        string violation = Assert.Single(LayerRules.Check(graph));
        Assert.Contains("src/Tmel.Gadgets has no place in the layer rules", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ReferenceToUnknownSourceProject_IsFlaggedEvenForCli()
    {
        var graph = Graph((LayerRules.Cli, ["Tmel.Gadgets"]));

        string violation = Assert.Single(LayerRules.Check(graph));
        Assert.Contains("src/Tmel.Cli references src/Tmel.Gadgets", violation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LayerRules.RpmsgCore, "tests", "Rpmsg.Core.Tests")]
    [InlineData(LayerRules.Services, "benchmarks", "TmelRpmsg.Benchmarks")]
    [InlineData(LayerRules.Cli, "tests", "TmelRpmsg.EndToEnd.Tests")]
    [InlineData(LayerRules.Cli, "benchmarks", "TmelRpmsg.Benchmarks")]
    public void Check_ReferenceOutsideSrc_IsFlagged(string from, string folder, string name)
    {
        var graph = new Dictionary<string, IReadOnlyCollection<ProjectRef>>
        {
            [from] = [new ProjectRef(folder, name)],
        };

        string violation = Assert.Single(LayerRules.Check(graph));
        Assert.Contains($"src/{from} references {folder}/{name}, which is outside src/", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SeveralViolations_ReportsEach()
    {
        var graph = Graph(
            (LayerRules.RpmsgCore, [LayerRules.Services]),
            (LayerRules.Services, [LayerRules.RpmsgCore, LayerRules.TransportQmp]),
            (LayerRules.TransportQmp, [LayerRules.Simulator]));

        Assert.Equal(3, LayerRules.Check(graph).Count);
    }

    private static Dictionary<string, IReadOnlyCollection<ProjectRef>> Graph(params (string Project, string[] References)[] projects) =>
        projects.ToDictionary(p => p.Project, p => (IReadOnlyCollection<ProjectRef>)[.. p.References.Select(ProjectRef.Src)]);
}
