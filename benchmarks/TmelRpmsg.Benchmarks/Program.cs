using BenchmarkDotNet.Running;
using TmelRpmsg.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(InProcessShortRunConfig).Assembly).Run(args);
