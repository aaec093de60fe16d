using System.Text.RegularExpressions;

namespace TmelRpmsg.Architecture.Tests;

/// <summary>Every <c>[LoggerMessage]</c> event id is used once in the whole solution, so a log event names one place in the code.</summary>
public partial class EventIdTests
{
    [Fact]
    public void LoggerMessageEventIds_AcrossTheSolution_AreUnique()
    {
        string root = SourceProjectGraph.FindRepositoryRoot(AppContext.BaseDirectory);
        var seen = new Dictionary<int, string>();
        var duplicates = new List<string>();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            string relative = Path.GetRelativePath(root, file);
            foreach (Match match in EventIdPattern().Matches(File.ReadAllText(file)))
            {
                int id = int.Parse(match.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (!seen.TryAdd(id, relative))
                {
                    duplicates.Add($"{id}: {seen[id]} and {relative}");
                }
            }
        }

        Assert.NotEmpty(seen);
        Assert.Empty(duplicates);
    }

    [Fact]
    public void EventIdPattern_ReadsBothAttributeForms()
    {
        Assert.Equal("1018", EventIdPattern().Match("[LoggerMessage(1018, LogLevel.Warning, \"x\")]").Groups["id"].Value);
        Assert.Equal("42", EventIdPattern().Match("[LoggerMessage(EventId = 42, Level = LogLevel.Debug)]").Groups["id"].Value);
    }

    [GeneratedRegex(@"\[LoggerMessage\(\s*(?:EventId\s*=\s*)?(?<id>\d+)")]
    private static partial Regex EventIdPattern();
}
