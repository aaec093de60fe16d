namespace TmelRpmsg.Architecture.Tests;

/// <summary>A project that a source project references: the repository's top-level folder it lives in, and its name.</summary>
/// <param name="Folder">The first path segment below the repository root (<c>src</c>, <c>tests</c>, <c>benchmarks</c>, ...).</param>
/// <param name="Name">The project's file name without <c>.csproj</c>.</param>
internal readonly record struct ProjectRef(string Folder, string Name)
{
    public const string SourceFolder = "src";

    public bool IsSource => Folder == SourceFolder;

    public static ProjectRef Src(string name) => new(SourceFolder, name);

    public override string ToString() => $"{Folder}/{Name}";
}
