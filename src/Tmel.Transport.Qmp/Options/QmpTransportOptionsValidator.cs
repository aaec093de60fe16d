using Microsoft.Extensions.Options;

namespace Tmel.Transport.Qmp;

/// <summary>Validates <see cref="QmpTransportOptions"/> at host start; the source generator writes the body from the attributes.</summary>
[OptionsValidator]
internal sealed partial class QmpTransportOptionsValidator : IValidateOptions<QmpTransportOptions>
{
}
