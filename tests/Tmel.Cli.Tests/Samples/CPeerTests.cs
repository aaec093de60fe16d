using System.Diagnostics;
using Tmel.Cli.Commands;

namespace Tmel.Cli.Tests.Samples;

/// <summary>
/// samples/c-peer against a real <c>tmel simulator</c> process: the attach contract (docs/attach-a-peer.md) is enough for a
/// C program using only mmap and sendto/recv to be the APPS side. Built with the system <c>cc</c>; skipped only when there is
/// none. Every wait is bounded; the simulator is stopped and the directory removed.
/// </summary>
public sealed class CPeerTests : IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tmel-cp-" + Guid.NewGuid().ToString("N")[..8]);

    public CPeerTests() => Directory.CreateDirectory(_directory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task CPeer_AgainstTmelSimulator_BringsTheLinkUp_SeesTheAnnouncements_AndGetsTheTearDownReply()
    {
        if (FindOnPath("cc") is null)
        {
            Assert.Skip("No C compiler: 'cc' is not on PATH, so samples/c-peer cannot be built here.");
        }

        string sample = FindSample();
        string program = Path.Combine(_directory, "apps_peer");
        (int built, _, string buildErrors) = await RunAsync("sh", [Path.Combine(sample, "build.sh")], new() { ["OUT"] = program });
        Assert.True(built == 0, buildErrors);

        string served = Path.Combine(_directory, "sim");
        SimulatorProcess simulator = await SimulatorProcess.StartAsync(["--dir", served, "--subsystem", "apps", "--subsystem", "btss"], s_bound, TimeProvider.System, Ct);
        try
        {
            (int exitCode, string output, string error) = await RunAsync(program, [served, "btss", "0x0D"], []);

            Assert.True(exitCode == 0, error + output);
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("link up: TME-L wrote 0x00000003", lines[0]);
            Assert.Equal("channel open: APPS 0x0000000F, TME-L 0x0000000F", lines[1]);
            Assert.Equal("sent: SS_TEAR_DOWN sw_id 0xD at address 0, APPS 0x0018001F", lines[2]);
            Assert.Contains("announced: tmel-echo at 1024 (create)", lines);
            Assert.Contains("announced: tmel-image-auth at 1025 (create)", lines);

            // The simulator's real answer: nothing is authenticated under sw_id 0xD, so status 3 (BAD_PARAMETER) in an
            // inline TEAR_DOWN reply (byte0 12 << 1, UID 0x000A, response 0), status at bytes 12..15.
            Assert.Contains("reply: 18 00 0A 00 0D 00 00 00 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00 00", lines);
            Assert.Contains("reply: uid 0x000A response 0 status 3", lines);
            Assert.Equal("closed: the TME-L acknowledged; link down", lines[^1]);
        }
        finally
        {
            int? exit = await simulator.StopAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
            await simulator.DisposeAsync();
            Assert.Equal(0, exit);
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(Ct);
        Task<string> error = process.StandardError.ReadToEndAsync(Ct);
        try
        {
            await process.WaitForExitAsync(Ct).WaitAsync(s_bound, Ct);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private static string FindSample()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "samples", "c-peer");
            if (File.Exists(Path.Combine(candidate, "apps_peer.c")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"samples/c-peer was not found above {AppContext.BaseDirectory}.");
    }
}
