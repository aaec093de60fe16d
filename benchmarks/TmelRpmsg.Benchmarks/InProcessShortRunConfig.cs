using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace TmelRpmsg.Benchmarks;

/// <summary>
/// The job every benchmark class here uses: in-process (no child build, fits the 2-core machine),
/// a short run (one launch, 3 warmup and 10 measured iterations) and allocation counting.
/// </summary>
public sealed class InProcessShortRunConfig : ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public InProcessShortRunConfig()
    {
        AddJob(Job.ShortRun
            .WithIterationCount(10)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("InProcessShort"));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
