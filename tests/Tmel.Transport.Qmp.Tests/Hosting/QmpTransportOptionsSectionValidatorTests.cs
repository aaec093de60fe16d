using Microsoft.Extensions.Options;

namespace Tmel.Transport.Qmp.Tests.Hosting;

public class QmpTransportOptionsSectionValidatorTests
{
    [Fact]
    public void Validate_BadValues_EveryFailureNamesItsConfigurationPath()
    {
        var options = new QmpTransportOptions { FragmentTimeout = TimeSpan.Zero, SharedMemorySize = 12 };

        ValidateOptionsResult result = new QmpTransportOptionsSectionValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Tmel:Qmp:FragmentTimeout: ", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Tmel:Qmp:SharedMemorySize: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new QmpTransportOptionsSectionValidator().Validate(null, new QmpTransportOptions()).Succeeded);
    }
}
