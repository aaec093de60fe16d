using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Tmel.Cli.Commands;

/// <summary>The commands' <c>--timeout</c>: a time span checked by the parser, so a bad value is one usage error naming the option and the range.</summary>
internal static class TimeoutOption
{
    public static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(1);

    public static readonly TimeSpan Maximum = TimeSpan.FromHours(1);

    public static Option<TimeSpan> Create(string description, TimeSpan defaultValue) => new("--timeout")
    {
        Description = $"{description} Accepted from {Format(Minimum)} to {Format(Maximum)}.",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = Parse,
    };

    private static TimeSpan Parse(ArgumentResult result)
    {
        string name = result.Parent is OptionResult option ? option.Option.Name : "--timeout";
        string range = $"accepted from {Format(Minimum)} to {Format(Maximum)}.";
        string token = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (!TimeSpan.TryParse(token, CultureInfo.InvariantCulture, out TimeSpan value))
        {
            result.AddError($"{name}: '{token}' is not a time span ([d.]hh:mm:ss[.fff]); {range}");
            return default;
        }

        if (value < Minimum || value > Maximum)
        {
            string read = Format(value) == token ? string.Empty : $" ({Format(value)})";
            result.AddError($"{name}: '{token}'{read} is out of range; {range}");
            return default;
        }

        return value;
    }

    /// <summary>The constant ("c") format without trailing zeros in the fraction: 00:00:00.001, -00:00:01, 30.00:00:00.</summary>
    public static string Format(TimeSpan value)
    {
        string text = value.ToString("c", CultureInfo.InvariantCulture);
        return text.LastIndexOf('.') > text.LastIndexOf(':') ? text.TrimEnd('0') : text;
    }
}
