namespace TmelRpmsg.Fuzz;

/// <summary>Writes the generated seed inputs (fuzz/README.md, "Seeds").</summary>
internal static class SeedWriter
{
    public static int WriteAll(string directory) => 0;
}
