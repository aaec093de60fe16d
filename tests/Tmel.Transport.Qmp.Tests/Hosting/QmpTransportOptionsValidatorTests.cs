using Microsoft.Extensions.Options;

namespace Tmel.Transport.Qmp.Tests.Hosting;

/// <summary>The source-generated validator: the attributes' ranges, and the rules of <see cref="QmpTransportOptions"/>'s IValidatableObject.</summary>
public class QmpTransportOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(QmpTransportOptions options) => new QmpTransportOptionsValidator().Validate(null, options);

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(Validate(new QmpTransportOptions()).Succeeded);
    }

    [Fact]
    public void Validate_SharedMemorySizeNotAMultipleOf8_FailsThroughIValidatableObject()
    {
        ValidateOptionsResult result = Validate(new QmpTransportOptions { SharedMemorySize = 12 });

        Assert.True(result.Failed);
        Assert.Equal("SharedMemorySize: SharedMemorySize must be a multiple of 8.", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(4096)]
    [InlineData(16 * 1024 * 1024)]
    public void Validate_SharedMemorySizeInRangeAndAligned_Succeeds(int size)
    {
        Assert.True(Validate(new QmpTransportOptions { SharedMemorySize = size }).Succeeded);
    }

    [Fact]
    public void Validate_RegionPastFourGiB_FailsNamingTheBaseAddress()
    {
        ValidateOptionsResult result = Validate(new QmpTransportOptions { SharedMemoryBaseAddress = 0xFFFF_FFF8, SharedMemorySize = 16 });

        Assert.Contains("SharedMemoryBaseAddress", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FragmentTimeoutZero_FailsByTheRangeAttribute()
    {
        ValidateOptionsResult result = Validate(new QmpTransportOptions { FragmentTimeout = TimeSpan.Zero });

        Assert.Equal("FragmentTimeout: The field QmpTransportOptions.FragmentTimeout must be between 00:00:00.0010000 and 00:01:00.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_MaxRetryDelayBelowTheFirst_Fails()
    {
        ValidateOptionsResult result = Validate(new QmpTransportOptions { BringUpRetryDelay = TimeSpan.FromSeconds(2), BringUpMaxRetryDelay = TimeSpan.FromSeconds(1) });

        Assert.Contains("BringUpMaxRetryDelay must not be below BringUpRetryDelay.", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
