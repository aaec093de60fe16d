using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Rpmsg.Core;
using Tmel.Cli.Hosting;
using Tmel.Services.ImageAuth;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Tests.Hosting;

public sealed class TmelSettingsTests
{
    private static IReadOnlyList<TmelSettingsSection> StackSections()
    {
        var services = new ServiceCollection();
        services.AddTmelStack(new ConfigurationBuilder().Build());
        return TmelSettings.GetSections(services);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void GetSections_TheStack_EverySectionTheHostBindsWithItsOptionsType()
    {
        Assert.Equal(
            [("Tmel:Crypto", typeof(Tmel.Services.Crypto.CryptoClientOptions)), ("Tmel:ImageAuth", typeof(ImageAuthClientOptions)), ("Tmel:Qmp", typeof(QmpTransportOptions)), ("Tmel:Rpmsg", typeof(RpmsgBusOptions)), ("Tmel:Telemetry", typeof(TelemetryOptions))],
            StackSections().Select(s => (s.Path, s.OptionsType)).OrderBy(s => s.Path, StringComparer.Ordinal));
    }

    [Fact]
    public void GetKnownKeys_TheStack_ArePublicSettablePropertiesOnly_CaseInsensitive()
    {
        IReadOnlyDictionary<string, System.Reflection.PropertyInfo> known = TmelSettings.GetKnownKeys(StackSections());

        Assert.Contains("Tmel:Qmp:FragmentTimeout", known.Keys);
        Assert.Contains("Tmel:Rpmsg:TxTimeout", known.Keys);
        Assert.Contains("Tmel:ImageAuth:ResponseTimeout", known.Keys);
        Assert.Contains("Tmel:Telemetry:OtlpEndpoint", known.Keys);
        Assert.True(known.ContainsKey("TMEL:QMP:FRAGMENTTIMEOUT"));
        Assert.DoesNotContain("Tmel:ImageAuth:DefaultResponseTimeout", known.Keys); // a static field, not a setting
        Assert.Equal(typeof(QmpTransportOptions).GetProperties().Length, known.Keys.Count(k => k.StartsWith("Tmel:Qmp:", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("abc", "", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("FragmentTimout", "FragmentTimeout", 1)]
    [InlineData("fragmenttimeout", "FragmentTimeout", 0)]
    [InlineData("TxTimeout", "xTTimeout", 2)]
    public void Distance_IsLevenshteinIgnoringCase(string a, string b, int expected)
    {
        Assert.Equal(expected, TmelSettings.Distance(a, b));
        Assert.Equal(expected, TmelSettings.Distance(b, a));
    }

    [Theory]
    [InlineData("Tmel:Qmp:FragmentTimout", "Tmel:Qmp:FragmentTimeout")]
    [InlineData("tmel:qmp:linkuptimeout:x", "Tmel:Qmp:LinkUpTimeout")]
    [InlineData("Tmel:Rpmsg:ReceiveQueueCapacty", "Tmel:Rpmsg:ReceiveQueueCapacity")]
    [InlineData("Tmel:Telemetry:Exporters", "Tmel:Telemetry:Exporter")]
    [InlineData("Tmel:ImageAuth:Timeout", "Tmel:ImageAuth:ResponseTimeout")]
    public void Closest_AMisspeltKey_IsTheKnownKeyMeant(string key, string expected) =>
        Assert.Equal(expected, TmelSettings.Closest(key, TmelSettings.GetKnownKeys(StackSections()).Keys));

    [Fact]
    public void ThrowIfInvalid_GoodSettingsInAnyCase_AndOtherSections_Pass()
    {
        IConfiguration configuration = Configuration(
            ("Tmel:Qmp:FragmentTimeout", "00:00:02"),
            ("tmel:rpmsg:receivequeuecapacity", "3"),
            ("Tmel:Telemetry:Exporter", "console"),
            ("Logging:LogLevel:Default", "Information"),
            ("Other:Setting", "x"));

        TmelSettings.ThrowIfInvalid(configuration, StackSections());
    }

    [Fact]
    public void ThrowIfInvalid_UnknownKeyOutsideEverySection_NamesTheSections()
    {
        TmelUsageException ex = Assert.Throws<TmelUsageException>(() => TmelSettings.ThrowIfInvalid(Configuration(("Tmel:Simulator:Fuses", "1")), StackSections()));

        string problem = Assert.Single(ex.Problems);
        Assert.StartsWith("Tmel:Simulator:Fuses: unknown setting; the closest known one is Tmel:", problem, StringComparison.Ordinal);
        Assert.EndsWith("(the sections are Tmel:Crypto, Tmel:ImageAuth, Tmel:Qmp, Tmel:Rpmsg, Tmel:Telemetry).", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tmel:Qmp:SharedMemoryBaseAddress", "-8", "a whole number, 0 or more (decimal)")]
    [InlineData("Tmel:Rpmsg:TxTimeout", "soon", "a time span ([d.]hh:mm:ss[.fff])")]
    [InlineData("Tmel:Qmp:LinkUpTimeout", "", "a time span ([d.]hh:mm:ss[.fff]); accepted from 00:00:00.001 to 00:01:00")]
    public void ThrowIfInvalid_ValueTheBinderCannotConvert_NamesTheSettingAndWhatItTakes(string key, string value, string expected)
    {
        TmelUsageException ex = Assert.Throws<TmelUsageException>(() => TmelSettings.ThrowIfInvalid(Configuration((key, value)), StackSections()));

        Assert.Equal($"{key}: '{value}' is not {expected}.", Assert.Single(ex.Problems));
    }
}
