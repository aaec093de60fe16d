using System.ComponentModel.DataAnnotations;
using Tmel.Services.Internal;

namespace Tmel.Services;

/// <summary>
/// The settings every TME-L service client shares: how long a request waits for its answer, and how a request abandoned
/// after it may have reached TME-L is held so that its late reply never answers a later one (docs/late-replies.md).
/// </summary>
public abstract class TmelClientOptions
{
    /// <summary>The RFC's wait for a TME-L response (<c>QMP_SEND_TIMEOUT</c>): 30 s.</summary>
    public static readonly TimeSpan DefaultResponseTimeout = TimeSpan.FromMilliseconds(30_000);

    /// <summary>Gets or sets how long a request may take from its hand-over to the bus until TME-L's answer, measured with the driver's <see cref="TimeProvider"/>.</summary>
    /// <value>Default <see cref="DefaultResponseTimeout"/> (30 s, as the RFC); from 1 ms to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ResponseTimeout { get; set; } = DefaultResponseTimeout;

    /// <summary>
    /// Gets or sets how long a request that was abandoned (cancelled, timed out) after it may have reached TME-L is held for
    /// its late reply: its address is not reused and its shared-memory buffers are not freed until the late reply arrived,
    /// the link or device went away, or this much time passed (docs/late-replies.md).
    /// </summary>
    /// <value>Default 60 s (twice the RFC's response timeout); from 1 ms to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan LateReplyHold { get; set; } = RequestLaneSettings.DefaultLateReplyHold;

    /// <summary>
    /// Gets or sets how many abandoned requests a client holds at once; with all of them held, a new request waits up to
    /// <see cref="ResponseTimeout"/> for one to settle, then fails with <see cref="Rpmsg.Core.RpmsgError.LateReplyPending"/>.
    /// A client at address 0 holds one whatever this says: it cannot change address.
    /// </summary>
    /// <value>Default 8; from 1 to 64.</value>
    [Range(1, 64)]
    public int MaxAbandonedRequests { get; set; } = RequestLaneSettings.DefaultMaxAbandoned;

    internal RequestLaneSettings LaneSettings => new(ResponseTimeout, LateReplyHold, MaxAbandonedRequests);

    /// <summary>The lane settings of <paramref name="options"/> (defaults when <see langword="null"/>), validated.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    internal static RequestLaneSettings LaneSettingsOf<TOptions>(TOptions? options)
        where TOptions : TmelClientOptions, new()
    {
        options ??= new TOptions();
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
