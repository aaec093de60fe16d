namespace Tmel.Services.ImageAuth;

/// <summary>Settings of the <see cref="ImageAuthClient"/>s an <see cref="ImageAuthDriver"/> creates (and of the attestation and device clients, which share them).</summary>
public sealed class ImageAuthClientOptions : TmelClientOptions
{
}
