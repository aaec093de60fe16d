namespace Tmel.Simulator;

/// <summary>
/// A simulator's state directory (<see cref="TmelSimulatorOptions.StateDirectory"/>) cannot be used: another simulator
/// holds its lock, or the directory cannot be created or locked.
/// </summary>
/// <remarks>
/// A sealed file inside the directory that is tampered with or truncated is not this error: the simulator refuses that
/// file, starts without it, and reports it (<see cref="TmelSimulator.RefusedStateFiles"/>).
/// </remarks>
public sealed class TmelStateDirectoryException : Exception
{
    /// <summary>Initializes a new instance naming the file or directory and what is wrong with it.</summary>
    /// <param name="path">The file or directory.</param>
    /// <param name="reason">What is wrong, as the end of a sentence.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public TmelStateDirectoryException(string path, string reason, Exception? innerException = null)
        : base($"{path}: {reason}", innerException)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>Gets the file or directory the error is about.</summary>
    public string Path { get; }

    /// <summary>Gets what is wrong.</summary>
    public string Reason { get; }
}
