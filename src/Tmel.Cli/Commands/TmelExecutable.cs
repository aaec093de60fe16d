using System.Diagnostics;

namespace Tmel.Cli.Commands;

/// <summary>How to start this tmel again as a child process: its apphost next to tmel.dll, or <c>dotnet tmel.dll</c>.</summary>
internal static class TmelExecutable
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        string directory = Path.GetDirectoryName(typeof(TmelExecutable).Assembly.Location) ?? AppContext.BaseDirectory;
        string appHost = Path.Combine(directory, OperatingSystem.IsWindows() ? "tmel.exe" : "tmel");
        ProcessStartInfo start;
        if (File.Exists(appHost))
        {
            start = new ProcessStartInfo(appHost);
        }
        else
        {
            // The host that runs us (dotnet test and dotnet run set DOTNET_HOST_PATH), else dotnet from PATH.
            start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet");
            start.ArgumentList.Add(Path.Combine(directory, "tmel.dll"));
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.UseShellExecute = false;
        return start;
    }
}
