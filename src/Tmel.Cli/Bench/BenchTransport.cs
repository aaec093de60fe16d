namespace Tmel.Cli.Bench;

/// <summary>What a measurement runs over.</summary>
internal enum BenchTransport
{
    /// <summary>Two bounded channels and an echo task: the floor of an in-process request/response, no rpmsg at all.</summary>
    Channels,

    /// <summary>Two rpmsg buses joined by the loopback transport.</summary>
    Loopback,

    /// <summary>Two rpmsg buses joined by QMP on an in-memory mailbox window (the remote side drives the TME-L role).</summary>
    Qmp,

    /// <summary>QMP over a shared-memory window to a <c>tmel simulator</c> process.</summary>
    Process,
}
