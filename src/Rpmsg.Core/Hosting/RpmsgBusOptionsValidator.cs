using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Rpmsg.Core.Hosting;

/// <summary>Validates <see cref="RpmsgBusOptions"/> at host start with the same rules the bus applies, naming the setting.</summary>
internal sealed class RpmsgBusOptionsValidator : IValidateOptions<RpmsgBusOptions>
{
    public ValidateOptionsResult Validate(string? name, RpmsgBusOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return ValidateOptionsResult.Fail($"{TmelRpmsgServiceCollectionExtensions.ConfigurationSection}:{ex.ParamName}: {ex.Message.Split(" (Parameter")[0]}");
        }
    }
}
