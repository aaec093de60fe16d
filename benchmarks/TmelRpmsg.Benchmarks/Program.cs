using BenchmarkDotNet.Running;
using TmelRpmsg.Benchmarks;

if (args is ["hops"])
{
    // Thread hops and interleaved same-run ratios of QMP messages (QmpHopCount); no BenchmarkDotNet.
    await QmpHopCount.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(InProcessShortRunConfig).Assembly).Run(args);
