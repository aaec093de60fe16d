namespace Tmel.Services.Crypto;

/// <summary>Options of the crypto client: how long a request may wait for TME-L (30 s by default, what U-Boot waits), and how an abandoned one is held (docs/late-replies.md).</summary>
public sealed class CryptoClientOptions : TmelClientOptions
{
}
