namespace Tmel.Cli;

/// <summary>A usage error (a setting, option or argument the user gave): each problem is one line on standard error and the exit code is 2.</summary>
internal sealed class TmelUsageException : Exception
{
    public TmelUsageException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems))
    {
        ArgumentOutOfRangeException.ThrowIfZero(problems.Count);
        Problems = problems;
    }

    public TmelUsageException(string problem)
        : this([problem])
    {
    }

    public TmelUsageException()
        : this("usage error")
    {
    }

    public TmelUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>One sentence per problem, each naming the setting, option or argument (without the <c>tmel: </c> prefix).</summary>
    public IReadOnlyList<string> Problems { get; }
}
