namespace Tmel.Cli.Commands;

/// <summary>An image command cannot use a file it was given: missing, not a regular file, too large, or an output it may not write.</summary>
/// <remarks>The message names the path and the reason in one sentence; the CLI prints it as its one error line.</remarks>
internal sealed class ImageFileException : IOException
{
    public ImageFileException(string message)
        : base(message)
    {
    }

    public ImageFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static ImageFileException NotRegular(string path, RegularFile.FileKind kind) =>
        new($"'{path}' is {RegularFile.Describe(kind)}, not a regular file.");
}
