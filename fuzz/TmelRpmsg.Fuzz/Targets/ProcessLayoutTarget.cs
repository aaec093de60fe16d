using Tmel.Transport.Qmp;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>
/// The simulator-process layout file (<c>DIR/layout.json</c>) a peer reads to attach: any bytes are a layout or a
/// <see cref="QmpProcessLayoutException"/>. The input is written to layout.json in a directory of this process's own.
/// </summary>
internal sealed class ProcessLayoutTarget : FuzzTarget
{
    private readonly Lazy<string> _directory = new(CreateDirectory);

    public override string Name => "process-layout";

    public override void Run(ReadOnlySpan<byte> input)
    {
        string directory = _directory.Value;
        File.WriteAllBytes(Path.Combine(directory, QmpProcessLayout.FileName), input);
        QmpProcessLayout layout;
        try
        {
            layout = QmpProcessLayout.Read(directory);
        }
        catch (QmpProcessLayoutException)
        {
            return;
        }

        foreach (QmpProcessSubsystemLayout subsystem in layout.Subsystems)
        {
            FuzzInvariantException.Check(layout.GetSubsystem(directory, subsystem.Name) is not null, "a listed subsystem was not found by name");
        }
    }

    /// <summary>A directory of this process's own, removed when the process exits.</summary>
    private static string CreateDirectory()
    {
        string directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"tmel-fuzz-layout-{Environment.ProcessId}")).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return directory;
    }
}
