using System.Xml.Linq;

namespace TmelRpmsg.Architecture.Tests;

/// <summary>
/// Every library under <c>src/</c> freezes its public surface with Microsoft.CodeAnalysis.PublicApiAnalyzers: it references the
/// analyzer and has <c>PublicAPI.Shipped.txt</c> and <c>PublicAPI.Unshipped.txt</c> beside its project file (docs/public-api.md).
/// Executables (<c>OutputType</c> <c>Exe</c>) have no public API and are exempt.
/// </summary>
internal static class PublicApiRules
{
    public const string AnalyzerPackage = "Microsoft.CodeAnalysis.PublicApiAnalyzers";
    public const string ShippedFile = "PublicAPI.Shipped.txt";
    public const string UnshippedFile = "PublicAPI.Unshipped.txt";
    public const string NullableHeader = "#nullable enable";

    /// <summary>Tells whether a project file builds an executable.</summary>
    /// <param name="project">The parsed project file.</param>
    /// <returns><see langword="true"/> when its <c>OutputType</c> is <c>Exe</c> or <c>WinExe</c>.</returns>
    public static bool IsExecutable(XDocument project) =>
        project.Descendants().Where(e => e.Name.LocalName == "OutputType")
            .Any(e => e.Value.Trim() is { } type && (type.Equals("Exe", StringComparison.OrdinalIgnoreCase) || type.Equals("WinExe", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Checks one library project.</summary>
    /// <param name="projectName">The project's name, for the messages.</param>
    /// <param name="project">The parsed project file.</param>
    /// <param name="readFile">Reads a file beside the project file by name; <see langword="null"/> when it does not exist.</param>
    /// <returns>One message per problem; empty when the project is frozen as it should be, or is an executable.</returns>
    public static IReadOnlyList<string> Check(string projectName, XDocument project, Func<string, string?> readFile)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(readFile);
        if (IsExecutable(project))
        {
            return [];
        }

        List<string> problems = [];
        bool referencesAnalyzer = project.Descendants()
            .Where(e => e.Name.LocalName == "PackageReference")
            .Any(e => string.Equals(((string?)e.Attribute("Include"))?.Trim(), AnalyzerPackage, StringComparison.OrdinalIgnoreCase));
        if (!referencesAnalyzer)
        {
            problems.Add($"src/{projectName} does not reference {AnalyzerPackage}.");
        }

        foreach (string file in (string[])[ShippedFile, UnshippedFile])
        {
            string? text = readFile(file);
            if (text is null)
            {
                problems.Add($"src/{projectName} has no {file}.");
            }
            else if (!text.TrimStart('\uFEFF').StartsWith(NullableHeader, StringComparison.Ordinal))
            {
                problems.Add($"src/{projectName}/{file} does not start with '{NullableHeader}'.");
            }
        }

        return problems;
    }
}
