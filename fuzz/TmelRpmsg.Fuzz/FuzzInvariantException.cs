namespace TmelRpmsg.Fuzz;

/// <summary>A decoder accepted an input but broke a property it promises (a round trip, a bound): a bug, so a crash.</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message)
{
    public static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(message);
        }
    }
}
