using System.ComponentModel.DataAnnotations;

namespace Tmel.Services.ImageAuth;

/// <summary>Settings of the <see cref="ImageAuthClient"/>s an <see cref="ImageAuthDriver"/> creates.</summary>
public sealed class ImageAuthClientOptions
{
    /// <summary>The RFC's wait for a TME-L response (<c>QMP_SEND_TIMEOUT</c>): 30 s.</summary>
    public static readonly TimeSpan DefaultResponseTimeout = TimeSpan.FromMilliseconds(30_000);

    /// <summary>Gets or sets how long a request may take from its hand-over to the bus until TME-L's answer, measured with the driver's <see cref="TimeProvider"/>.</summary>
    /// <value>Default <see cref="DefaultResponseTimeout"/> (30 s, as the RFC); from 1 ms to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ResponseTimeout { get; set; } = DefaultResponseTimeout;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ResponseTimeout, TimeSpan.FromMilliseconds(1), nameof(ResponseTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ResponseTimeout, TimeSpan.FromHours(1), nameof(ResponseTimeout));
    }
}
