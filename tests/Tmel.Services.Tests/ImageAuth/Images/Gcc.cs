using System.Diagnostics;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>Builds tiny real executables with the machine's gcc, falling back to the copies checked in under TestData/.</summary>
/// <remarks>
/// The checked-in ELFs were built once from TestData/tiny.c with
/// <c>gcc [-m32] -static -nostdlib -O1 -s -Wl,--build-id=none -Wl,-z,noseparate-code -Wl,-z,max-page-size=0x1000</c>
/// (gcc 12.2, Debian 12), so a machine without gcc still signs a real linker's output.
/// </remarks>
internal static class Gcc
{
    public static readonly string TestData = Path.Combine(AppContext.BaseDirectory, "ImageAuth", "Images", "TestData");

    private static readonly Lazy<string?> s_path = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "gcc"))
            .FirstOrDefault(File.Exists));

    public static bool IsAvailable => s_path.Value is not null;

    /// <summary>Compiles TestData/tiny.c with <paramref name="arguments"/>; <see langword="null"/> without gcc or when this gcc cannot (e.g. no -m32 support).</summary>
    public static byte[]? TryCompile(params string[] arguments)
    {
        if (s_path.Value is not { } gcc)
        {
            return null;
        }

        string directory = Path.Combine(Path.GetTempPath(), "tsim-gcc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string output = Path.Combine(directory, "a.elf");
            var start = new ProcessStartInfo(gcc) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(output);
            start.ArgumentList.Add(Path.Combine(TestData, "tiny.c"));
            using Process process = Process.Start(start)!;
            Task<string> errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("gcc did not finish within two minutes.");
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"gcc {string.Join(' ', arguments)}: exit {process.ExitCode} {errors.Result}");
            return process.ExitCode == 0 ? File.ReadAllBytes(output) : null;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A fresh gcc build when possible, else the checked-in one.</summary>
    public static byte[] CompileOrCheckedIn(string checkedIn, params string[] arguments) =>
        TryCompile(arguments) ?? File.ReadAllBytes(Path.Combine(TestData, checkedIn));
}
