namespace Tmel.Services.Internal;

/// <summary>How a <see cref="RequestLane"/> waits for answers and holds abandoned requests.</summary>
/// <param name="ResponseTimeout">How long a request may take from its hand-over until its answer; also bounds a request's wait for room among the held abandoned requests.</param>
/// <param name="LateReplyHold">How long an abandoned request is held for its late reply before the lane lets it go.</param>
/// <param name="MaxAbandoned">How many abandoned requests a device lane holds at once (a fixed-address lane holds one).</param>
internal readonly record struct RequestLaneSettings(TimeSpan ResponseTimeout, TimeSpan LateReplyHold, int MaxAbandoned)
{
    /// <summary>The hold when a client's options do not say: long past any answer a live service gives (the RFC waits 30 s).</summary>
    public static readonly TimeSpan DefaultLateReplyHold = TimeSpan.FromSeconds(60);

    /// <summary>The number of abandoned requests a device lane holds when a client's options do not say.</summary>
    public const int DefaultMaxAbandoned = 8;
}
