namespace Tmel.Cli.Commands;

/// <summary>The small ELF the demo signs and authenticates (a gcc build, embedded; see Resources/README.md).</summary>
internal static class DemoFirmware
{
    public const uint SoftwareId = 0x0D;

    public static byte[] Load()
    {
        using Stream stream = typeof(DemoFirmware).Assembly.GetManifestResourceStream("Tmel.Cli.DemoFirmware.elf")
            ?? throw new InvalidOperationException("The demo firmware resource is missing from the tmel assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
