using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tmel.Cli.Hosting;

/// <summary>
/// The host's <c>Tmel:</c> settings: each bound section is registered with its options type, so the known keys are the
/// options' public settable properties (no list to keep in step). Every bad setting (an unknown key, a value the binder
/// cannot convert, a value a validator rejects) becomes one <see cref="TmelUsageException"/> line naming the setting.
/// </summary>
internal static partial class TmelSettings
{
    /// <summary>The root section every tmel setting lives under.</summary>
    public const string Root = "Tmel";

    /// <summary>Binds <typeparamref name="TOptions"/> from <paramref name="path"/> and records the section for the checks.</summary>
    public static OptionsBuilder<TOptions> BindTmelSection<TOptions>(this IServiceCollection services, string path)
        where TOptions : class
    {
        services.AddSingleton(new TmelSettingsSection(path, typeof(TOptions), sp => sp.GetRequiredService<IOptions<TOptions>>().Value));
        return services.AddOptions<TOptions>().BindConfiguration(path);
    }

    /// <summary>The sections registered so far with <see cref="BindTmelSection"/>.</summary>
    public static IReadOnlyList<TmelSettingsSection> GetSections(IServiceCollection services) =>
        [.. services.Where(d => d.ServiceType == typeof(TmelSettingsSection) && d.ImplementationInstance is not null).Select(d => (TmelSettingsSection)d.ImplementationInstance!)];

    /// <summary>Every key the sections accept (<c>Tmel:Qmp:FragmentTimeout</c>), case-insensitive, with its property.</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> GetKnownKeys(IEnumerable<TmelSettingsSection> sections)
    {
        var keys = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (TmelSettingsSection section in sections)
        {
            foreach (PropertyInfo property in section.OptionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
                {
                    keys[$"{section.Path}:{property.Name}"] = property;
                }
            }
        }

        return keys;
    }

    /// <summary>Checks every <c>Tmel:</c> key of <paramref name="configuration"/> before anything binds it: known, and convertible by the binder.</summary>
    /// <exception cref="TmelUsageException">One line per bad setting.</exception>
    public static void ThrowIfInvalid(IConfiguration configuration, IReadOnlyList<TmelSettingsSection> sections)
    {
        IReadOnlyDictionary<string, PropertyInfo> known = GetKnownKeys(sections);
        List<string> problems = [];
        foreach ((string key, string? value) in configuration.AsEnumerable().OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (value is null || !(key.Equals(Root, StringComparison.OrdinalIgnoreCase) || key.StartsWith(Root + ":", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (!known.TryGetValue(key, out PropertyInfo? property))
            {
                problems.Add($"{key}: unknown setting; the closest known one is {Closest(key, known.Keys)}{DescribeSections(key, sections)}.");
                continue;
            }

            try
            {
                // The binder's own conversion, so a value passes here exactly when it binds.
                _ = configuration.GetValue(property.PropertyType, key);
            }
            catch (InvalidOperationException)
            {
                problems.Add($"{key}: '{value}' is not {DescribeType(property.PropertyType)}{DescribeRange(property)}.");
            }
        }

        if (problems.Count > 0)
        {
            throw new TmelUsageException(problems);
        }
    }

    /// <summary>Reads every bound section's options, which runs their validators, and reports each rejected setting.</summary>
    /// <exception cref="TmelUsageException">One line per bad setting, with its value and the validators' reasons.</exception>
    public static void ThrowIfInvalid(IServiceProvider services, IConfiguration configuration)
    {
        List<string> problems = [];
        foreach (TmelSettingsSection section in services.GetServices<TmelSettingsSection>())
        {
            try
            {
                _ = section.Read(services);
            }
            catch (OptionsValidationException ex)
            {
                problems.AddRange(DescribeFailures(section, ex.Failures, configuration));
            }
        }

        if (problems.Count > 0)
        {
            throw new TmelUsageException(problems);
        }
    }

    /// <summary>The known key with the smallest case-insensitive edit distance to <paramref name="key"/> (the first in order on a tie).</summary>
    public static string Closest(string key, IEnumerable<string> known) =>
        known.Order(StringComparer.OrdinalIgnoreCase).MinBy(candidate => Distance(key, candidate)) ?? Root;

    /// <summary>The Levenshtein distance between two strings, ignoring case.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        int[] previous = new int[b.Length + 1];
        int[] current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>
    /// Groups a section's validation failures by setting: the stack's validators write <c>Tmel:Qmp:Name: reason</c>, the
    /// generated ones <c>Name: reason</c>. The DataAnnotations prefix "The field Type.Name " is dropped from a reason.
    /// </summary>
    private static IEnumerable<string> DescribeFailures(TmelSettingsSection section, IEnumerable<string> failures, IConfiguration configuration)
    {
        var reasons = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        List<string> order = [];
        foreach (string failure in failures)
        {
            string rest = failure.StartsWith(section.Path + ":", StringComparison.OrdinalIgnoreCase) ? failure[(section.Path.Length + 1)..] : failure;
            int colon = rest.IndexOf(": ", StringComparison.Ordinal);
            string? name = colon > 0 ? rest[..colon] : null;
            bool named = name is not null && section.OptionsType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is not null;
            string key = named ? $"{section.Path}:{name}" : section.Path;
            string reason = FieldPrefix().Replace(named ? rest[(colon + 2)..] : rest, string.Empty).Trim().TrimEnd('.');
            if (!reasons.TryGetValue(key, out List<string>? list))
            {
                reasons[key] = list = [];
                order.Add(key);
            }

            if (!list.Contains(reason, StringComparer.Ordinal))
            {
                list.Add(reason);
            }
        }

        foreach (string key in order)
        {
            string? value = configuration[key];
            string given = value is null ? string.Empty : $"'{value}' is not accepted: ";
            yield return $"{key}: {given}{string.Join("; ", reasons[key])}.";
        }
    }

    /// <summary>For a key outside every bound section, the sections there are.</summary>
    private static string DescribeSections(string key, IReadOnlyList<TmelSettingsSection> sections) =>
        sections.Any(s => key.StartsWith(s.Path + ":", StringComparison.OrdinalIgnoreCase))
            ? string.Empty
            : $" (the sections are {string.Join(", ", sections.Select(s => s.Path).Order(StringComparer.Ordinal))})";

    private static string DescribeType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(TimeSpan) => "a time span ([d.]hh:mm:ss[.fff])",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(Uri) => "a URI",
            _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))}",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(sbyte) => "a whole number",
            _ when type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(byte) => "a whole number, 0 or more (decimal)",
            _ => $"a {type.Name}",
        };
    }

    private static string DescribeRange(PropertyInfo property) =>
        property.GetCustomAttribute<RangeAttribute>() is { } range ? $"; accepted from {range.Minimum} to {range.Maximum}" : string.Empty;

    [GeneratedRegex(@"^The field [\w.]+ ", RegexOptions.CultureInvariant)]
    private static partial Regex FieldPrefix();
}
