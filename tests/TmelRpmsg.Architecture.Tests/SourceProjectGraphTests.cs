using System.Xml.Linq;

namespace TmelRpmsg.Architecture.Tests;

public class SourceProjectGraphTests
{
    private static readonly string s_root = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "repo"));

    [Fact]
    public void FindRepositoryRoot_FromTestOutput_FindsFolderWithSolution()
    {
        string root = SourceProjectGraph.FindRepositoryRoot(AppContext.BaseDirectory);

        Assert.True(File.Exists(Path.Combine(root, SourceProjectGraph.SolutionFileName)));
        Assert.True(Directory.Exists(Path.Combine(root, "src", LayerRules.RpmsgCore)));
    }

    [Fact]
    public void Load_ThisRepository_ReadsRpmsgCoreWithoutProjectReferences()
    {
        string root = SourceProjectGraph.FindRepositoryRoot(AppContext.BaseDirectory);

        IReadOnlyDictionary<string, IReadOnlyCollection<ProjectRef>> graph = SourceProjectGraph.Load(root);

        Assert.Empty(graph[LayerRules.RpmsgCore]);
    }

    [Fact]
    public void Load_RepositoryWithUpwardAndTestReferences_ChecksFlagBoth()
    {
        DirectoryInfo root = Directory.CreateTempSubdirectory("tmelrpmsg-arch-");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, SourceProjectGraph.SolutionFileName), string.Empty);
            WriteProject(root.FullName, "src", LayerRules.RpmsgCore, "../Tmel.Services/Tmel.Services.csproj");
            WriteProject(root.FullName, "src", LayerRules.Services, "../Rpmsg.Core/Rpmsg.Core.csproj", "../../tests/Tmel.Services.Tests/Tmel.Services.Tests.csproj");
            WriteProject(root.FullName, "tests", "Tmel.Services.Tests", "../../src/Tmel.Services/Tmel.Services.csproj");
            string nested = Path.Combine(root.FullName, "src", LayerRules.Services, "bin");
            Directory.CreateDirectory(nested);

            IReadOnlyDictionary<string, IReadOnlyCollection<ProjectRef>> graph = SourceProjectGraph.Load(SourceProjectGraph.FindRepositoryRoot(nested));
            IReadOnlyList<string> violations = LayerRules.Check(graph);

            Assert.Equal([LayerRules.RpmsgCore, LayerRules.Services], graph.Keys.Order(StringComparer.Ordinal));
            Assert.Collection(
                violations,
                v => Assert.Contains("src/Rpmsg.Core references src/Tmel.Services against the layer arrows", v, StringComparison.Ordinal),
                v => Assert.Contains("src/Tmel.Services references tests/Tmel.Services.Tests, which is outside src/", v, StringComparison.Ordinal));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void ReadReferences_RelativeIncludes_ResolvesFolderAndName()
    {
        XDocument project = XDocument.Parse("""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="../Rpmsg.Core/Rpmsg.Core.csproj" />
                <ProjectReference Include="..\..\tests\Rpmsg.Core.Tests\Rpmsg.Core.Tests.csproj" />
              </ItemGroup>
              <ItemGroup Condition="'$(Configuration)' == 'Debug'">
                <ProjectReference Include="../../benchmarks/TmelRpmsg.Benchmarks/TmelRpmsg.Benchmarks.csproj" />
              </ItemGroup>
            </Project>
            """);

        IReadOnlyCollection<ProjectRef> references = SourceProjectGraph.ReadReferences(s_root, ProjectPath("Tmel.Services"), project);

        Assert.Equal(
            [ProjectRef.Src(LayerRules.RpmsgCore), new ProjectRef("tests", "Rpmsg.Core.Tests"), new ProjectRef("benchmarks", "TmelRpmsg.Benchmarks")],
            references);
    }

    [Fact]
    public void ReadReferences_MsBuildPropertyInInclude_IsUnresolvedAndFlagged()
    {
        XDocument project = XDocument.Parse("""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="$(RepoRoot)/src/Tmel.Cli/Tmel.Cli.csproj" />
              </ItemGroup>
            </Project>
            """);

        IReadOnlyCollection<ProjectRef> references = SourceProjectGraph.ReadReferences(s_root, ProjectPath(LayerRules.Services), project);
        var graph = new Dictionary<string, IReadOnlyCollection<ProjectRef>> { [LayerRules.Services] = references };

        Assert.False(Assert.Single(references).IsSource);
        Assert.Single(LayerRules.Check(graph));
    }

    [Fact]
    public void ReadReferences_NoProjectReferences_ReturnsEmpty()
    {
        XDocument project = XDocument.Parse("""<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="CsCheck" /></ItemGroup></Project>""");

        Assert.Empty(SourceProjectGraph.ReadReferences(s_root, ProjectPath(LayerRules.RpmsgCore), project));
    }

    private static void WriteProject(string root, string folder, string name, params string[] references)
    {
        string directory = Path.Combine(root, folder, name);
        Directory.CreateDirectory(directory);
        var project = new XElement(
            "Project",
            new XAttribute("Sdk", "Microsoft.NET.Sdk"),
            new XElement("ItemGroup", references.Select(r => new XElement("ProjectReference", new XAttribute("Include", r)))));
        project.Save(Path.Combine(directory, name + ".csproj"));
    }

    private static string ProjectPath(string name) => Path.Combine(s_root, "src", name, name + ".csproj");
}
