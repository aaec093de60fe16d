using Tmel.Transport.Qmp;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>
/// The simulator-process layout file (<c>DIR/layout.json</c>) a peer reads to attach: any bytes are a layout or a
/// <see cref="QmpProcessLayoutException"/>. The input goes to <c>QmpProcessLayout.Parse</c>, the parser
/// <see cref="QmpProcessLayout.Read"/> hands the file's bytes to, so no file is written per input.
/// </summary>
internal sealed class ProcessLayoutTarget : FuzzTarget
{
    /// <summary>The directory named in errors; nothing is read from it.</summary>
    private const string Directory = "/fuzz";

    private static readonly string s_path = Path.Combine(Directory, QmpProcessLayout.FileName);

    public override string Name => "process-layout";

    public override void Run(ReadOnlySpan<byte> input)
    {
        QmpProcessLayout layout;
        try
        {
            layout = QmpProcessLayout.Parse(input, s_path);
        }
        catch (QmpProcessLayoutException)
        {
            return;
        }

        foreach (QmpProcessSubsystemLayout subsystem in layout.Subsystems)
        {
            FuzzInvariantException.Check(layout.GetSubsystem(Directory, subsystem.Name) is not null, "a listed subsystem was not found by name");
        }
    }
}
