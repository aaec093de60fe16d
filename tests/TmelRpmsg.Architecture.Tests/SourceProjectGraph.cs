using System.Xml.Linq;

namespace TmelRpmsg.Architecture.Tests;

/// <summary>Reads the direct project references of every <c>src/*/*.csproj</c> in the repository.</summary>
internal static class SourceProjectGraph
{
    public const string SolutionFileName = "TmelRpmsg.sln";

    /// <summary>Walks up from <paramref name="start"/> to the folder that holds the solution file.</summary>
    /// <param name="start">A folder inside the repository.</param>
    /// <returns>The repository root.</returns>
    /// <exception cref="InvalidOperationException">No folder above <paramref name="start"/> holds the solution file.</exception>
    public static string FindRepositoryRoot(string start)
    {
        for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, SolutionFileName)))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {start} holds {SolutionFileName}.");
    }

    /// <summary>Loads every source project's direct references.</summary>
    /// <param name="repositoryRoot">The folder that holds the solution file.</param>
    /// <returns>Each source project's name and the projects it references.</returns>
    public static IReadOnlyDictionary<string, IReadOnlyCollection<ProjectRef>> Load(string repositoryRoot)
    {
        var graph = new Dictionary<string, IReadOnlyCollection<ProjectRef>>(StringComparer.Ordinal);
        string src = Path.Combine(repositoryRoot, ProjectRef.SourceFolder);
        if (!Directory.Exists(src))
        {
            return graph;
        }

        foreach (string projectFolder in Directory.EnumerateDirectories(src))
        {
            foreach (string projectPath in Directory.EnumerateFiles(projectFolder, "*.csproj"))
            {
                graph.Add(Path.GetFileNameWithoutExtension(projectPath), ReadReferences(repositoryRoot, projectPath, XDocument.Load(projectPath)));
            }
        }

        return graph;
    }

    /// <summary>Reads the <c>ProjectReference</c> items of one project file.</summary>
    /// <param name="repositoryRoot">The repository root, to tell which top-level folder a referenced project lives in.</param>
    /// <param name="projectPath">The project file's path; <c>Include</c> paths are relative to its folder.</param>
    /// <param name="project">The parsed project file.</param>
    /// <returns>The referenced projects; one that cannot be resolved gets the folder <c>(unresolved)</c>, which the rules flag.</returns>
    public static IReadOnlyCollection<ProjectRef> ReadReferences(string repositoryRoot, string projectPath, XDocument project)
    {
        ArgumentNullException.ThrowIfNull(project);
        string projectFolder = Path.GetDirectoryName(Path.GetFullPath(projectPath))!;
        List<ProjectRef> references = [];
        foreach (XElement item in project.Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
        {
            string? include = (string?)item.Attribute("Include");
            if (string.IsNullOrWhiteSpace(include))
            {
                continue;
            }

            foreach (string single in include.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                references.Add(Resolve(repositoryRoot, projectFolder, single));
            }
        }

        return references;
    }

    private static ProjectRef Resolve(string repositoryRoot, string projectFolder, string include)
    {
        string name = Path.GetFileNameWithoutExtension(include.Replace('\\', '/'));
        if (include.Contains("$(", StringComparison.Ordinal) || include.Contains('*', StringComparison.Ordinal))
        {
            return new ProjectRef("(unresolved)", include);
        }

        string full = Path.GetFullPath(Path.Combine(projectFolder, include.Replace('\\', '/')));
        string relative = Path.GetRelativePath(Path.GetFullPath(repositoryRoot), full).Replace('\\', '/');
        if (relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return new ProjectRef("(outside the repository)", name);
        }

        int slash = relative.IndexOf('/', StringComparison.Ordinal);
        return new ProjectRef(slash < 0 ? "." : relative[..slash], name);
    }
}
