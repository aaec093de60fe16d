using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tmel.Cli.Commands;

/// <summary>Opens a file for reading only if it is a regular file, without blocking on a FIFO or reading a device.</summary>
/// <remarks>
/// On Linux the file is opened with <c>O_NONBLOCK</c> (so a FIFO without a writer does not block the open) and the type is
/// taken from the open descriptor with <c>statx</c>, so the file checked is the file read: there is no window between the
/// check and the open in which the path could be swapped. Elsewhere the path is checked before a managed open (see
/// docs/cli.md).
/// </remarks>
internal static partial class RegularFile
{
    /// <summary>Opens <paramref name="path"/> for reading; the handle is positioned nowhere (read it with <see cref="RandomAccess"/>).</summary>
    /// <exception cref="ImageFileException">The path does not exist, cannot be opened, or is not a regular file.</exception>
    public static SafeFileHandle OpenRead(string path)
    {
        if (LinuxFile.IsSupported)
        {
            return LinuxFile.OpenRegular(path);
        }

        return OpenManaged(path);
    }

    /// <summary>Whether two paths name the same existing file, after following links (on Linux: the same device and inode).</summary>
    public static bool IsSameFile(string first, string second)
    {
        if (LinuxFile.IsSupported)
        {
            return LinuxFile.TryGetIdentity(first, out (ulong, uint, uint) a) && LinuxFile.TryGetIdentity(second, out (ulong, uint, uint) b) && a == b;
        }

        StringComparison comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return string.Equals(Resolve(first), Resolve(second), comparison);
    }

    /// <summary>The type word of a non-regular file, for messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "not a regular file",
    };

    private static string Resolve(string path)
    {
        var info = new FileInfo(Path.GetFullPath(path));
        return info.LinkTarget is null ? info.FullName : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
    }

    private static SafeFileHandle OpenManaged(string path)
    {
        if (Directory.Exists(path))
        {
            throw ImageFileException.NotRegular(path, FileKind.Directory);
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ImageFileException($"'{path}' does not exist.");
        }

        // Without a type check before the open, a FIFO would block it: FIFOs and devices report length 0, and an empty file
        // is no image either.
        if (!OperatingSystem.IsWindows() && info.Length == 0)
        {
            throw new ImageFileException($"'{path}' is empty or not a regular file.");
        }

        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException($"'{path}' cannot be opened: {e.Message}", e);
        }
    }

    /// <summary>What a path names, from its <c>st_mode</c>.</summary>
    internal enum FileKind
    {
        Regular,
        Directory,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,
        Other,
    }

    /// <summary>The Linux calls: <c>open</c> with <c>O_NONBLOCK</c> and <c>statx</c> on the descriptor (a layout fixed by the kernel ABI).</summary>
    private static partial class LinuxFile
    {
        private const int ORdOnly = 0;
        private const int ONoCtty = 0x100;        // 0400, asm-generic (x64, arm, arm64)
        private const int ONonBlock = 0x800;      // 04000
        private const int OCloExec = 0x80000;     // 02000000
        private const int AtEmptyPath = 0x1000;
        private const int AtFdCwd = -100;
        private const uint StatxType = 0x1;
        private const uint StatxIno = 0x100;
        private const int StatxInoOffset = 32;
        private const int StatxDevMajorOffset = 136;
        private const int StatxDevMinorOffset = 140;
        private const int StatxSize = 256;
        private const int StatxModeOffset = 28;
        private const int ENoEnt = 2;
        private const int EAccess = 13;
        private const int EInterrupted = 4;

        public static bool IsSupported { get; } = OperatingSystem.IsLinux()
            && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64 or Architecture.Arm;

        public static SafeFileHandle OpenRegular(string path)
        {
            int fd;
            do
            {
                fd = Open(path, ORdOnly | ONoCtty | ONonBlock | OCloExec);
            }
            while (fd < 0 && Marshal.GetLastPInvokeError() == EInterrupted);

            if (fd < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno switch
                {
                    ENoEnt => new ImageFileException($"'{path}' does not exist."),
                    EAccess => new ImageFileException($"'{path}' cannot be opened: permission denied."),
                    _ => new ImageFileException($"'{path}' cannot be opened: {Marshal.GetPInvokeErrorMessage(errno)}."),
                };
            }

            var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
            try
            {
                Span<byte> status = stackalloc byte[StatxSize];
                status.Clear();
                if (Statx(fd, string.Empty, AtEmptyPath, StatxType, status) != 0)
                {
                    throw new ImageFileException($"'{path}' cannot be examined: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
                }

                FileKind kind = KindOf(MemoryMarshal.Read<ushort>(status[StatxModeOffset..])); // a native struct: host byte order
                return kind == FileKind.Regular ? handle : throw ImageFileException.NotRegular(path, kind);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        /// <summary>The (inode, device major, device minor) of the file <paramref name="path"/> names, following links.</summary>
        public static bool TryGetIdentity(string path, out (ulong Inode, uint Major, uint Minor) identity)
        {
            Span<byte> status = stackalloc byte[StatxSize];
            status.Clear();
            if (Statx(AtFdCwd, path, 0, StatxIno, status) != 0)
            {
                identity = default;
                return false;
            }

            identity = (MemoryMarshal.Read<ulong>(status[StatxInoOffset..]), MemoryMarshal.Read<uint>(status[StatxDevMajorOffset..]), MemoryMarshal.Read<uint>(status[StatxDevMinorOffset..]));
            return true;
        }

        private static FileKind KindOf(ushort mode) => (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };

        // open(2) is variadic; without O_CREAT/O_TMPFILE the mode argument is never read, so two arguments are enough.
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static partial int Statx(int directoryFd, string path, int flags, uint mask, Span<byte> buffer);
    }
}
