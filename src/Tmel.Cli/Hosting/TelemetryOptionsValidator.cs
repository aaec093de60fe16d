using Microsoft.Extensions.Options;

namespace Tmel.Cli.Hosting;

[OptionsValidator]
internal sealed partial class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
}
