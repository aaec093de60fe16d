namespace Tmel.Simulator;

/// <summary>A state file the simulator refused at start (tampered, truncated, unreadable), and why; the simulator runs without it.</summary>
/// <param name="Path">The file as it was found (it is moved aside to <c>Path + ".refused"</c> when it can be).</param>
/// <param name="Reason">Why it was refused, as the end of a sentence.</param>
internal sealed record RefusedStateFile(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}
