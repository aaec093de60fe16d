using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Tmel.Cli.Commands;

/// <summary>How the image commands read their inputs and write their outputs (docs/cli.md, "Files").</summary>
/// <remarks>
/// Inputs: regular files only, at most a maximum size checked from the file's metadata before anything is read, read into
/// one buffer of exactly the file's size (at most maximum + 1 bytes are ever read, so a file that grows while it is read
/// stays bounded). Outputs: written to a new temporary file beside the target and renamed over it, never onto an input,
/// and an existing target only when the caller allows it.
/// </remarks>
internal static class ImageFiles
{
    /// <summary>The default largest image file: 64 MiB (see docs/cli.md for why).</summary>
    public const long DefaultMaxSize = 64L * 1024 * 1024;

    /// <summary>The largest maximum <c>--max-image-size</c> accepts: the largest .NET byte array.</summary>
    public const long LargestMaxSize = 0x7FFF_FFC7; // Array.MaxLength, as a constant

    private static readonly (string Suffix, long Unit)[] s_units =
    [
        ("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024 * 1024 * 1024),
        ("K", 1024), ("M", 1024 * 1024), ("G", 1024 * 1024 * 1024),
    ];

    /// <summary>Reads a whole image file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxSize">The largest file accepted, in bytes.</param>
    /// <param name="cancellationToken">Ends the read.</param>
    /// <returns>The file's bytes, in an array of exactly the file's length.</returns>
    /// <exception cref="ImageFileException">The file is missing, not a regular file, larger than <paramref name="maxSize"/>, or changed its size while it was read.</exception>
    public static async Task<byte[]> ReadAsync(string path, long maxSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxSize, LargestMaxSize);
        using SafeFileHandle handle = RegularFile.OpenRead(path);
        long length = RandomAccess.GetLength(handle);
        if (length > maxSize)
        {
            throw TooLarge(path, length, maxSize);
        }

        byte[] bytes = GC.AllocateUninitializedArray<byte>((int)length);
        int filled = 0;
        try
        {
            while (filled < bytes.Length)
            {
                int read = await RandomAccess.ReadAsync(handle, bytes.AsMemory(filled), filled, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw Changed(path, length);
                }

                filled += read;
            }

            // One byte more tells whether the file grew while it was read: at most length + 1 <= maxSize + 1 bytes are read.
            byte[] probe = new byte[1];
            if (await RandomAccess.ReadAsync(handle, probe, filled, cancellationToken).ConfigureAwait(false) != 0)
            {
                throw Changed(path, length);
            }
        }
        catch (IOException e) when (e is not ImageFileException)
        {
            throw new ImageFileException($"'{path}' cannot be read: {e.Message}", e);
        }

        return bytes;
    }

    /// <summary>Writes an output file through a temporary file in the same directory and a rename.</summary>
    /// <param name="path">The output.</param>
    /// <param name="content">What to write.</param>
    /// <param name="overwrite">Whether an existing <paramref name="path"/> may be replaced (<c>--force</c>).</param>
    /// <param name="input">The command's input, which the output must never replace, even with <paramref name="overwrite"/>.</param>
    /// <param name="cancellationToken">Ends the write; the temporary file is removed.</param>
    /// <exception cref="ImageFileException">The output is the input, exists without <paramref name="overwrite"/>, is a directory, or cannot be written.</exception>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, bool overwrite, string input, CancellationToken cancellationToken)
    {
        string target = CheckOutput(path, overwrite, input);
        string directory = Path.GetDirectoryName(target)!;
        string temporary = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp"));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            // rename(2) replaces a symlink at the target rather than writing through it; without overwrite the move fails if
            // something appeared at the target since the check above.
            File.Move(temporary, target, overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new ImageFileException($"'{path}' cannot be written: {e.Message}", e);
        }
        catch (OperationCanceledException)
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Checks an output path before any work: not the input, not a directory, and not existing unless <paramref name="overwrite"/>.</summary>
    /// <returns>The full path.</returns>
    /// <exception cref="ImageFileException">The output may not be written.</exception>
    public static string CheckOutput(string path, bool overwrite, string input)
    {
        string target = Path.GetFullPath(path);
        if (RegularFile.IsSameFile(input, target))
        {
            throw new ImageFileException($"'{path}' is the input file; write the output to another path.");
        }

        if (Directory.Exists(target))
        {
            throw new ImageFileException($"'{path}' is a directory; --out names the file to write.");
        }

        if (!overwrite && Exists(target))
        {
            throw new ImageFileException($"'{path}' exists; pass --force to replace it.");
        }

        return target;
    }

    /// <summary>Parses a size: bytes, or a number with K, M or G (KiB, MiB, GiB: powers of 1024).</summary>
    public static long ParseSize(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value.Trim();
        (string digits, long unit) = Unit(text);
        if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            && value > 0 && value <= LargestMaxSize / unit && value * unit <= LargestMaxSize)
        {
            return value * unit;
        }

        result.AddError(string.Create(CultureInfo.InvariantCulture, $"'{text}' is not a size from 1 byte to {LargestMaxSize} bytes (a number of bytes, or with K, M or G for KiB, MiB, GiB)."));
        return DefaultMaxSize;
    }

    private static (string Digits, long Unit) Unit(string text)
    {
        foreach ((string suffix, long unit) in s_units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return (text[..^suffix.Length], unit);
            }
        }

        return (text, 1);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temporary file was never created (for example, the directory does not exist); the write's own error is reported.
        }
    }

    private static bool Exists(string path) => File.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static ImageFileException TooLarge(string path, long length, long maxSize) =>
        new(string.Create(CultureInfo.InvariantCulture, $"'{path}' is {length} bytes, more than the maximum image size of {maxSize} bytes; --max-image-size raises it."));

    private static ImageFileException Changed(string path, long length) =>
        new(string.Create(CultureInfo.InvariantCulture, $"'{path}' changed size while it was read (it was {length} bytes when opened)."));
}
