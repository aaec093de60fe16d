using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tmel.Transport.Qmp;

/// <summary>
/// <c>DIR/layout.json</c>: what a peer needs to attach to a simulated TME-L running in its own process (the attach
/// contract, docs/attach-a-peer.md): the window layout, and per subsystem its files and sockets.
/// </summary>
public sealed partial record QmpProcessLayout
{
    /// <summary>The contract version this code writes and reads (1).</summary>
    public const int CurrentVersion = 1;

    /// <summary>The layout file's name in the directory.</summary>
    public const string FileName = "layout.json";

    /// <summary>The lock file a running simulator holds; a second simulator on the directory is refused.</summary>
    public const string LockFileName = "simulator.lock";

    /// <summary>The offset, from a mailbox's start, of its owner's trace-context sideband (0x800): outside both mailboxes.</summary>
    public const int TraceSidebandOffset = 0x800;

    /// <summary>The size of one trace-context sideband (32 bytes).</summary>
    public const int TraceSidebandSize = 32;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Gets the contract version; a reader refuses any other.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Gets the process id of the simulator that wrote the file.</summary>
    public int SimulatorPid { get; init; }

    /// <summary>Gets the size of every window file (0x2000).</summary>
    public int WindowSize { get; init; } = QmpMailboxLayout.WindowSize;

    /// <summary>Gets the offset of the subsystem's (APPS side's) mailbox in a window (0x0000).</summary>
    public int LocalMailboxOffset { get; init; } = QmpMailboxLayout.LocalMailboxOffset;

    /// <summary>Gets the offset of the TME-L's mailbox in a window (0x1000).</summary>
    public int RemoteMailboxOffset { get; init; } = QmpMailboxLayout.RemoteMailboxOffset;

    /// <summary>Gets the size of one mailbox (32).</summary>
    public int MailboxSize { get; init; } = QmpMailboxLayout.MailboxSize;

    /// <summary>Gets the offset of a side's trace-context sideband from its mailbox (<see cref="TraceSidebandOffset"/>).</summary>
    public int TraceSidebandOffsetFromMailbox { get; init; } = TraceSidebandOffset;

    /// <summary>Gets the subsystems the simulator serves, each with its own window, SRAM and sockets.</summary>
    public IReadOnlyList<QmpProcessSubsystemLayout> Subsystems { get; init; } = [];

    /// <summary>Reads and checks <c>layout.json</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The simulator's directory.</param>
    /// <returns>The layout.</returns>
    /// <exception cref="QmpProcessLayoutException">The file is missing, is not valid JSON, has another version, or describes a window, mailbox or region this code cannot use.</exception>
    public static QmpProcessLayout Read(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string path = Path.Combine(Path.GetFullPath(directory), FileName);
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new QmpProcessLayoutException(path, "it does not exist: is `tmel simulator --dir` running on this directory?", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new QmpProcessLayoutException(path, $"it cannot be read: {ex.Message}", ex);
        }

        return Parse(json, path);
    }

    /// <summary>Parses and checks the bytes of a <c>layout.json</c>; <see cref="Read"/> reads the file and calls this (the fuzz target calls it directly).</summary>
    /// <param name="json">The file's bytes (UTF-8 JSON).</param>
    /// <param name="path">The file the bytes came from, named in the error.</param>
    /// <returns>The layout.</returns>
    /// <exception cref="QmpProcessLayoutException">The bytes are not valid JSON, have another version, or describe a window, mailbox or region this code cannot use.</exception>
    internal static QmpProcessLayout Parse(ReadOnlySpan<byte> json, string path)
    {
        QmpProcessLayout? layout;
        try
        {
            layout = JsonSerializer.Deserialize<QmpProcessLayout>(json, s_json);
        }
        catch (JsonException ex)
        {
            throw new QmpProcessLayoutException(path, $"it is not a valid layout: {ex.Message}", ex);
        }

        if (layout is null)
        {
            throw new QmpProcessLayoutException(path, "it is not a valid layout: it holds null.");
        }

        layout.Check(path);
        return layout;
    }

    /// <summary>Finds a subsystem by name.</summary>
    /// <param name="directory">The directory the layout was read from (named in the error).</param>
    /// <param name="name">The subsystem, for example <c>apps</c>.</param>
    /// <returns>Its files.</returns>
    /// <exception cref="QmpProcessLayoutException">The layout does not list it.</exception>
    public QmpProcessSubsystemLayout GetSubsystem(string directory, string name) =>
        Subsystems.FirstOrDefault(s => s.Name == name)
        ?? throw new QmpProcessLayoutException(
            Path.Combine(Path.GetFullPath(directory), FileName),
            $"it lists no subsystem '{name}' (it lists: {string.Join(", ", Subsystems.Select(s => s.Name))}).");

    /// <summary>Checks a subsystem name: 1 to 32 characters of lower-case letters, digits, '-' and '_'.</summary>
    internal static bool IsValidSubsystemName(string name) => SubsystemName().IsMatch(name);

    /// <summary>Writes the file atomically (a temporary file renamed over it), so a reader never sees half of it.</summary>
    internal void Write(string directory)
    {
        string path = Path.Combine(directory, FileName);
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(this, s_json));
        File.Move(temporary, path, overwrite: true);
    }

    private void Check(string path)
    {
        if (Version != CurrentVersion)
        {
            Fail($"its version is {Version}; this peer knows version {CurrentVersion} only.");
        }

        if (WindowSize != QmpMailboxLayout.WindowSize || LocalMailboxOffset != QmpMailboxLayout.LocalMailboxOffset
            || RemoteMailboxOffset != QmpMailboxLayout.RemoteMailboxOffset || MailboxSize != QmpMailboxLayout.MailboxSize
            || TraceSidebandOffsetFromMailbox != TraceSidebandOffset)
        {
            Fail("its window is not the RFC's (window 0x2000, mailboxes of 32 bytes at 0x0000 and 0x1000, trace sidebands at +0x800).");
        }

        if (Subsystems is null || Subsystems.Count == 0)
        {
            Fail("it lists no subsystem.");
        }

        foreach (QmpProcessSubsystemLayout subsystem in Subsystems)
        {
            if (subsystem is null || subsystem.Name is null || !IsValidSubsystemName(subsystem.Name))
            {
                Fail($"a subsystem name is missing or not 1-32 of [a-z0-9_-]: '{subsystem?.Name}'.");
            }

            foreach (string? file in (string?[])[subsystem.Window, subsystem.Sram, subsystem.TmelSocket, subsystem.ClientSocket, subsystem.ClientLock])
            {
                if (string.IsNullOrEmpty(file) || Path.IsPathRooted(file) || file.Split('/').Contains(".."))
                {
                    Fail($"subsystem '{subsystem.Name}' names a file '{file}' that is not a path inside the directory.");
                }
            }

            if (subsystem.SramSize < QmpSharedMemoryRegion.Alignment || subsystem.SramSize > QmpSharedMemoryRegion.MaxSize
                || subsystem.SramSize % QmpSharedMemoryRegion.Alignment != 0 || subsystem.SramBusAddress == 0
                || subsystem.SramBusAddress % QmpSharedMemoryRegion.Alignment != 0
                || (ulong)subsystem.SramBusAddress + (ulong)subsystem.SramSize > uint.MaxValue)
            {
                Fail($"subsystem '{subsystem.Name}' has an SRAM region this peer cannot use ({subsystem.SramSize} bytes at 0x{subsystem.SramBusAddress:X8}).");
            }
        }

        if (Subsystems.Select(s => s.Name).Distinct().Count() != Subsystems.Count)
        {
            Fail("it lists a subsystem twice.");
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        void Fail(string reason) => throw new QmpProcessLayoutException(path, reason);
    }

    [GeneratedRegex("^[a-z0-9_-]{1,32}$")]
    private static partial Regex SubsystemName();
}
