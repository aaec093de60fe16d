using System.ComponentModel.DataAnnotations;
using Tmel.Services.Internal;

namespace Tmel.Services.Crypto;

/// <summary>Options of the crypto client: how long a request may wait for TME-L, and how an abandoned one is held (docs/late-replies.md).</summary>
public sealed class CryptoClientOptions
{
    /// <summary>Gets or sets how long one request waits for its reply.</summary>
    /// <value>Default 30 s (what U-Boot waits), 1 ms to 1 h.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long an abandoned request's address and buffers are held for its late reply.</summary>
    /// <value>Default 60 s, 1 ms to 1 h.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan LateReplyHold { get; set; } = RequestLaneSettings.DefaultLateReplyHold;

    /// <summary>Gets or sets how many abandoned requests may be held at once.</summary>
    /// <value>Default 8, 1 to 64.</value>
    [Range(1, 64)]
    public int MaxAbandonedRequests { get; set; } = RequestLaneSettings.DefaultMaxAbandoned;

    internal RequestLaneSettings LaneSettings => new(ResponseTimeout, LateReplyHold, MaxAbandonedRequests);

    /// <summary>The lane settings of <paramref name="options"/> (defaults when <see langword="null"/>), validated.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    internal static RequestLaneSettings LaneSettingsOf(CryptoClientOptions? options)
    {
        options ??= new CryptoClientOptions();
        options.Validate();
        return options.LaneSettings;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ResponseTimeout, TimeSpan.FromMilliseconds(1), nameof(ResponseTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ResponseTimeout, TimeSpan.FromHours(1), nameof(ResponseTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(LateReplyHold, TimeSpan.FromMilliseconds(1), nameof(LateReplyHold));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(LateReplyHold, TimeSpan.FromHours(1), nameof(LateReplyHold));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAbandonedRequests, 1, nameof(MaxAbandonedRequests));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxAbandonedRequests, 64, nameof(MaxAbandonedRequests));
    }
}
