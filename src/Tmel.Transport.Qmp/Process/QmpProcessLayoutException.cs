namespace Tmel.Transport.Qmp;

/// <summary>A file of a simulator directory (its <c>layout.json</c>, a window, an SRAM file or a lock) is missing, malformed or of another version or size than the attach contract says.</summary>
public sealed class QmpProcessLayoutException : Exception
{
    /// <summary>Initializes a new instance naming the file and what is wrong with it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="reason">What is wrong, as the end of a sentence.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public QmpProcessLayoutException(string path, string reason, Exception? innerException = null)
        : base($"{path}: {reason}", innerException)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>Gets the file the error is about.</summary>
    public string Path { get; }

    /// <summary>Gets what is wrong with the file.</summary>
    public string Reason { get; }
}
