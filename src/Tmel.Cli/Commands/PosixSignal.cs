using System.Runtime.InteropServices;

namespace Tmel.Cli.Commands;

/// <summary>kill(2): SIGTERM asks a process to stop gracefully (Process.Kill sends SIGKILL, which never lets it).</summary>
internal static partial class PosixSignal
{
    public const int SigTerm = 15;

    /// <summary>Sends SIGTERM; false when the process is gone or the signal could not be sent.</summary>
    public static bool Terminate(int pid) => OperatingSystem.IsWindows() ? false : Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
