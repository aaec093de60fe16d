using TmelRpmsg.Fuzz;

namespace TmelRpmsg.Fuzz.Tests;

/// <summary>
/// CI's fuzzing without a fuzzer: every committed corpus file and regression input goes through its target's harness,
/// the code afl-fuzz runs, so a harness cannot rot and a fixed crash stays fixed. A harness throws only for a bug.
/// </summary>
public class CorpusReplayTests
{
    private static readonly string s_corpus = Path.Combine(AppContext.BaseDirectory, "corpus");
    private static readonly string s_regressions = Path.Combine(AppContext.BaseDirectory, "regressions");

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Run_EveryCommittedCorpusFile_ThrowsNothing(string target)
    {
        string[] files = Files(s_corpus, target);

        Assert.NotEmpty(files);
        Replay(target, files);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Run_EveryRegressionInput_ThrowsNothing(string target) => Replay(target, Files(s_regressions, target));

    [Fact]
    public void All_EveryCorpusFolder_NamesATarget()
    {
        string[] folders = [.. Directory.GetDirectories(s_corpus).Concat(Directory.Exists(s_regressions) ? Directory.GetDirectories(s_regressions) : []).Select(Path.GetFileName).OfType<string>()];

        Assert.All(folders, folder => Assert.True(FuzzTargets.TryGet(folder, out _), $"fuzz/corpus or fuzz/regressions has a folder '{folder}' that names no target"));
    }

    [Fact]
    public void Run_EmptyAndTinyInputs_ThrowNothing()
    {
        foreach (FuzzTarget target in FuzzTargets.All)
        {
            target.Run([]);
            target.Run([0]);
            target.Run([0xFF, 0xFF, 0xFF]);
        }
    }

    private static string[] Files(string root, string target)
    {
        string folder = Path.Combine(root, target);
        return Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
    }

    private static void Replay(string target, string[] files)
    {
        Assert.True(FuzzTargets.TryGet(target, out FuzzTarget? harness));
        foreach (string file in files)
        {
            Exception? error = Record.Exception(() => harness.Run(File.ReadAllBytes(file)));
            Assert.True(error is null, $"{target}: {Path.GetFileName(file)} threw {error}");
        }
    }
}
