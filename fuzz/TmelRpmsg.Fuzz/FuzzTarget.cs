namespace TmelRpmsg.Fuzz;

/// <summary>
/// One fuzz target: runs one input through a decoder. A rejection the decoder documents (its typed exception, a false
/// return, a failed result) returns normally; any other exception leaves <see cref="Run"/> and is a crash.
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>Gets the name <c>fuzz/run.sh</c> and the corpus folder use (fuzz/corpus/NAME).</summary>
    public abstract string Name { get; }

    /// <summary>Runs one input; throws only for a bug (an undocumented exception or a broken invariant).</summary>
    public abstract void Run(ReadOnlySpan<byte> input);
}
