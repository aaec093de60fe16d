using TmelRpmsg.Fuzz.Targets;

namespace TmelRpmsg.Fuzz.Tests;

/// <summary>
/// The simulator-services harness reuses its shared-memory region across inputs (docs/fuzzing.md); an input's replies must
/// still not depend on the inputs served before it, or a crash found by afl-fuzz would not replay on its own.
/// </summary>
public class SimulatorServicesIndependenceTests
{
    private static readonly string s_corpus = Path.Combine(AppContext.BaseDirectory, "corpus", "simulator-services");

    [Fact]
    public void Serve_EverySeedInTwoOrders_GivesTheSameReplies()
    {
        byte[][] seeds = [.. Directory.GetFiles(s_corpus).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

        List<byte[]>[] forward = [.. seeds.Select(s => SimulatorServicesTarget.Serve(s))];
        List<byte[]>[] backward = [.. seeds.Reverse().Select(s => SimulatorServicesTarget.Serve(s)).Reverse()];

        Assert.All(forward, replies => Assert.NotEmpty(replies));
        for (int i = 0; i < seeds.Length; i++)
        {
            Assert.Equal(forward[i], backward[i]);
        }
    }
}
