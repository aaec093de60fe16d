using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tmel.Transport.Qmp;

/// <summary>Runs the generated <see cref="QmpTransportOptionsValidator"/> and names each failing setting by its configuration path (<c>Tmel:Qmp:FragmentTimeout: …</c>).</summary>
internal sealed class QmpTransportOptionsSectionValidator : IValidateOptions<QmpTransportOptions>
{
    private readonly QmpTransportOptionsValidator _inner = new();

    public ValidateOptionsResult Validate(string? name, QmpTransportOptions options)
    {
        ValidateOptionsResult result = _inner.Validate(name, options);
        return result.Failed
            ? ValidateOptionsResult.Fail(result.Failures!.Select(f => $"{QmpBuilderExtensions.ConfigurationSection}:{f}"))
            : result;
    }
}
