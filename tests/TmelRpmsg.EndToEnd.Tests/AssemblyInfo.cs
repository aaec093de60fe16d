// Each test runs a whole host, and spans and link-state changes are seen process-wide by every listener:
// one test at a time keeps each test's telemetry its own (and the 2-core machine free for the peer's threads).
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
