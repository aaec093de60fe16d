namespace Tmel.Transport.Qmp;

/// <summary>
/// The simulator's side of a directory that peers attach to (docs/attach-a-peer.md): it holds <c>DIR/simulator.lock</c>
/// for its lifetime, creates each subsystem's window and SRAM files, and writes <c>DIR/layout.json</c>.
/// </summary>
/// <remarks>
/// Files that already have the right size are kept (same inode, same bytes), so a client that mapped them before a
/// simulator restart keeps seeing the new simulator; only the simulator's own mailbox is cleared. Disposing releases the
/// lock; the files stay for the next simulator, and <c>tmel.sock</c> files go with the mailboxes.
/// </remarks>
public sealed class QmpProcessDirectory : IDisposable
{
    private readonly FileStream _lock;

    private QmpProcessDirectory(string root, FileStream lockFile, QmpProcessLayout layout)
    {
        Root = root;
        _lock = lockFile;
        Layout = layout;
    }

    /// <summary>Gets the directory's full path.</summary>
    public string Root { get; }

    /// <summary>Gets the layout written to <c>layout.json</c>.</summary>
    public QmpProcessLayout Layout { get; }

    /// <summary>Takes the directory for a simulator: locks it, creates the subsystems' files and writes the layout.</summary>
    /// <param name="directory">The directory; created if missing.</param>
    /// <param name="subsystems">The subsystems to serve, for example <c>apps</c> and <c>btss</c>: 1-32 of [a-z0-9_-] each, no repeats.</param>
    /// <param name="sramSize">Each subsystem's SRAM size in bytes.</param>
    /// <param name="sramBusAddress">The bus address of each SRAM region's byte 0.</param>
    /// <returns>The directory; dispose it when the simulator stops.</returns>
    /// <exception cref="ArgumentException">No subsystem, a bad or repeated name, or an SRAM size or address a region cannot have.</exception>
    /// <exception cref="QmpProcessLayoutException">Another simulator holds the directory's lock.</exception>
    public static QmpProcessDirectory Create(string directory, IReadOnlyList<string> subsystems, int sramSize = QmpSharedMemoryRegion.DefaultSize, uint sramBusAddress = QmpSharedMemoryRegion.DefaultBaseBusAddress)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(subsystems);
        if (subsystems.Count == 0 || subsystems.Any(s => s is null || !QmpProcessLayout.IsValidSubsystemName(s)) || subsystems.Distinct().Count() != subsystems.Count)
        {
            throw new ArgumentException($"Subsystems must be 1 or more distinct names of 1-32 of [a-z0-9_-]; got: {string.Join(", ", subsystems)}.", nameof(subsystems));
        }

        // The region's own checks, before any file is touched.
        QmpSharedMemoryRegion.CheckLayout(sramSize, sramBusAddress);

        string root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        string lockPath = Path.Combine(root, QmpProcessLayout.LockFileName);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new QmpProcessLayoutException(lockPath, $"another simulator holds it{OwnerOf(root)}: one simulator per directory.", ex);
        }

        try
        {
            var layout = new QmpProcessLayout
            {
                SimulatorPid = Environment.ProcessId,
                Subsystems = [.. subsystems.Select(s => CreateSubsystem(root, s, sramSize, sramBusAddress))],
            };
            layout.Write(root);
            return new QmpProcessDirectory(root, lockFile, layout);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Opens the simulator's (TME-L's) side of one subsystem's mailbox; its own mailbox starts cleared.</summary>
    /// <param name="subsystem">A subsystem of <see cref="Layout"/>.</param>
    /// <param name="timeProvider">Measures how fast blocked waits were woken; <see langword="null"/> for the system clock.</param>
    /// <param name="maxSpinRounds">The most spin rounds a waiter polls before it blocks.</param>
    /// <returns>The mailbox; dispose it before the directory.</returns>
    /// <exception cref="QmpProcessLayoutException">The layout lists no such subsystem, or a file changed size under the simulator.</exception>
    public QmpSharedMemoryMailbox OpenSimulatorMailbox(string subsystem, TimeProvider? timeProvider = null, int maxSpinRounds = QmpSharedMemoryMailbox.DefaultMaxSpinRounds) =>
        QmpSharedMemoryMailbox.Open(QmpRole.Remote, Root, Layout.GetSubsystem(Root, subsystem), clientLock: null, timeProvider ?? TimeProvider.System, maxSpinRounds);

    /// <summary>Releases the directory's lock; the files stay for the next simulator.</summary>
    public void Dispose() => _lock.Dispose();

    private static QmpProcessSubsystemLayout CreateSubsystem(string root, string name, int sramSize, uint sramBusAddress)
    {
        Directory.CreateDirectory(Path.Combine(root, name));
        var files = new QmpProcessSubsystemLayout
        {
            Name = name,
            Window = $"{name}/window",
            Sram = $"{name}/sram",
            SramSize = sramSize,
            SramBusAddress = sramBusAddress,
            TmelSocket = $"{name}/tmel.sock",
            ClientSocket = $"{name}/client.sock",
            ClientLock = $"{name}/client.lock",
        };
        ((IDisposable)QmpMappedFile.CreateOrOpen(Path.Combine(root, files.Window), QmpMailboxLayout.WindowSize)).Dispose();
        ((IDisposable)QmpMappedFile.CreateOrOpen(Path.Combine(root, files.Sram), sramSize)).Dispose();
        return files;
    }

    private static string OwnerOf(string root)
    {
        try
        {
            return $" (pid {QmpProcessLayout.Read(root).SimulatorPid} by {QmpProcessLayout.FileName})";
        }
        catch (QmpProcessLayoutException)
        {
            return "";
        }
    }
}
