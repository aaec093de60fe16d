using System.Xml.Linq;

namespace TmelRpmsg.Architecture.Tests;

public class PublicApiRulesTests
{
    private const string Library = """
        <Project Sdk="Microsoft.NET.Sdk">
          <ItemGroup>
            <PackageReference Include="Microsoft.CodeAnalysis.PublicApiAnalyzers" PrivateAssets="all" />
          </ItemGroup>
        </Project>
        """;

    private static readonly Dictionary<string, string> s_bothFiles = new(StringComparer.Ordinal)
    {
        [PublicApiRules.ShippedFile] = "#nullable enable\nRpmsg.Core.RpmsgBus\n",
        [PublicApiRules.UnshippedFile] = "#nullable enable\n",
    };

    [Fact]
    public void Check_EverySourceLibraryOfThisRepository_HasTheAnalyzerAndBothFiles()
    {
        string root = SourceProjectGraph.FindRepositoryRoot(AppContext.BaseDirectory);
        List<string> problems = [];
        List<string> libraries = [];
        foreach (string projectPath in Directory.EnumerateDirectories(Path.Combine(root, "src")).SelectMany(d => Directory.EnumerateFiles(d, "*.csproj")))
        {
            string name = Path.GetFileNameWithoutExtension(projectPath);
            string folder = Path.GetDirectoryName(projectPath)!;
            XDocument project = XDocument.Load(projectPath);
            if (!PublicApiRules.IsExecutable(project))
            {
                libraries.Add(name);
            }

            problems.AddRange(PublicApiRules.Check(name, project, file => File.Exists(Path.Combine(folder, file)) ? File.ReadAllText(Path.Combine(folder, file)) : null));
        }

        Assert.Contains(LayerRules.RpmsgCore, libraries);
        Assert.Contains(LayerRules.TransportQmp, libraries);
        Assert.Empty(problems);
    }

    [Fact]
    public void CentralPackageVersions_OfThisRepository_PinTheAnalyzer()
    {
        string root = SourceProjectGraph.FindRepositoryRoot(AppContext.BaseDirectory);
        XDocument versions = XDocument.Load(Path.Combine(root, "Directory.Packages.props"));

        Assert.Contains(
            versions.Descendants().Where(e => e.Name.LocalName == "PackageVersion"),
            e => (string?)e.Attribute("Include") == PublicApiRules.AnalyzerPackage && !string.IsNullOrWhiteSpace((string?)e.Attribute("Version")));
    }

    [Fact]
    public void Check_LibraryWithTheAnalyzerAndBothFiles_HasNoProblems() =>
        Assert.Empty(PublicApiRules.Check("Rpmsg.Core", XDocument.Parse(Library), Read(s_bothFiles)));

    [Fact]
    public void Check_LibraryWithoutTheAnalyzer_IsFlagged()
    {
        string problem = Assert.Single(PublicApiRules.Check("Rpmsg.Core", XDocument.Parse("<Project Sdk=\"Microsoft.NET.Sdk\" />"), Read(s_bothFiles)));

        Assert.Contains("does not reference Microsoft.CodeAnalysis.PublicApiAnalyzers", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PublicApiRules.ShippedFile)]
    [InlineData(PublicApiRules.UnshippedFile)]
    public void Check_LibraryMissingOneFile_IsFlagged(string missing)
    {
        var files = new Dictionary<string, string>(s_bothFiles, StringComparer.Ordinal);
        files.Remove(missing);

        string problem = Assert.Single(PublicApiRules.Check("Tmel.Services", XDocument.Parse(Library), Read(files)));

        Assert.Equal($"src/Tmel.Services has no {missing}.", problem);
    }

    [Fact]
    public void Check_FileWithoutNullableHeader_IsFlagged()
    {
        var files = new Dictionary<string, string>(s_bothFiles, StringComparer.Ordinal) { [PublicApiRules.UnshippedFile] = "" };

        string problem = Assert.Single(PublicApiRules.Check("Tmel.Simulator", XDocument.Parse(Library), Read(files)));

        Assert.Equal("src/Tmel.Simulator/PublicAPI.Unshipped.txt does not start with '#nullable enable'.", problem);
    }

    [Fact]
    public void Check_Executable_IsExempt()
    {
        var project = XDocument.Parse("<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><OutputType>Exe</OutputType></PropertyGroup></Project>");

        Assert.True(PublicApiRules.IsExecutable(project));
        Assert.Empty(PublicApiRules.Check("Tmel.Cli", project, Read([])));
    }

    private static Func<string, string?> Read(Dictionary<string, string> files) => name => files.GetValueOrDefault(name);
}
