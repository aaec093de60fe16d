using Microsoft.Extensions.Options;

namespace Tmel.Services.ImageAuth;

/// <summary>Validates <see cref="ImageAuthClientOptions"/> at host start from its DataAnnotations (generated).</summary>
[OptionsValidator]
internal sealed partial class ImageAuthClientOptionsValidator : IValidateOptions<ImageAuthClientOptions>
{
}
