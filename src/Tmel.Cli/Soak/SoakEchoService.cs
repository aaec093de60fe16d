using Microsoft.Extensions.Logging;
using Rpmsg.Core;

namespace Tmel.Cli.Soak;

/// <summary>
/// The soak's echo services inside a simulator process (<c>tmel simulator --soak-echo N</c>): N endpoints on the TME-L's bus,
/// each announced as <see cref="ChannelName"/>, that send every message back to its sender as it arrived. What the soak in the
/// client process cannot see of them they report in a <see cref="SoakNotice"/>: an echo whose send failed (and its typed
/// error), and a message whose bytes arrived from the same sender again (a duplicated delivery). A notice is retried until
/// the link takes it (bounded); one that never goes out is logged, and the soak then counts that message as lost.
/// </summary>
internal sealed partial class SoakEchoService : IAsyncDisposable
{
    /// <summary>The channel name every soak echo endpoint is announced under.</summary>
    public const string ChannelName = "tmel-soak-echo";

    /// <summary>How long a notice is retried before it is given up (logged; the soak then counts the message lost).</summary>
    public static readonly TimeSpan NoticeBound = TimeSpan.FromSeconds(10);

    /// <summary>How many of a sender's latest messages a service remembers to recognise a repeated delivery.</summary>
    private const int RecentPerSender = 4;

    private readonly RpmsgBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<RpmsgEndpoint> _endpoints = [];
    private readonly List<Task> _loops = [];

    public SoakEchoService(RpmsgBus bus, int count, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _bus = bus;
        _time = time;
        _logger = logger;
        for (int i = 0; i < count; i++)
        {
            _endpoints.Add(bus.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { ReceiveQueueCapacity = 1024 }));
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (RpmsgEndpoint endpoint in _endpoints)
        {
            _loops.Add(Task.Run(() => ServeAsync(endpoint), CancellationToken.None));
            try
            {
                await _bus.AnnounceAsync(endpoint, ChannelName, cancellationToken).ConfigureAwait(false);
            }
            catch (RpmsgException ex) when (ex is not RpmsgEndpointClosedException)
            {
                // A client attached while the channel was (re)opening: the bus keeps the announcement and sends it with the
                // others when the channel opens.
                Log.AnnouncementDeferred(_logger, endpoint.Address.Value, ex.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (RpmsgEndpoint endpoint in _endpoints)
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    private async Task ServeAsync(RpmsgEndpoint endpoint)
    {
        var recent = new Dictionary<uint, Queue<(int Size, ulong Hash, int Count)>>();
        try
        {
            await foreach (RpmsgMessage message in endpoint.ReadAllAsync().ConfigureAwait(false))
            {
                using (message)
                {
                    int delivery = CountDelivery(recent, message.Source.Value, message.Span);
                    string? failure = null;
                    try
                    {
                        // Echo what arrived, as it arrived: a corrupted request comes back corrupted.
                        await endpoint.SendToAsync(message.Source, message.Payload).ConfigureAwait(false);
                    }
                    catch (RpmsgException ex) when (ex is not RpmsgEndpointClosedException { Error: RpmsgError.EndpointClosed })
                    {
                        failure = SoakErrors.Kind(ex);
                    }

                    if (failure is not null || delivery > 1)
                    {
                        await SendNoticeAsync(endpoint, message.Source, SoakNotice.Build(message.Span, delivery, failure, _bus.Mtu)).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (RpmsgEndpointClosedException)
        {
        }
    }

    /// <summary>Counts how often these bytes came from this sender lately (1 the first time). Messages under 4 bytes carry only
    /// part of their sequence number, so two of them can be equal without being one message: they always count 1.</summary>
    private static int CountDelivery(Dictionary<uint, Queue<(int Size, ulong Hash, int Count)>> recent, uint source, ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4)
        {
            return 1;
        }

        ulong hash = Fnv64(payload);
        if (!recent.TryGetValue(source, out Queue<(int Size, ulong Hash, int Count)>? seen))
        {
            recent[source] = seen = new Queue<(int, ulong, int)>(RecentPerSender);
        }

        int count = 1;
        foreach ((int size, ulong h, int c) in seen)
        {
            if (size == payload.Length && h == hash)
            {
                count = Math.Max(count, c + 1);
            }
        }

        if (seen.Count == RecentPerSender)
        {
            seen.Dequeue();
        }

        seen.Enqueue((payload.Length, hash, count));
        return count;
    }

    private static ulong Fnv64(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>Sends a notice, retrying (while the link comes back) until it went out or <see cref="NoticeBound"/> passed.</summary>
    private async Task SendNoticeAsync(RpmsgEndpoint endpoint, RpmsgAddress destination, byte[] notice)
    {
        long start = _time.GetTimestamp();
        Exception? last = null;
        while (_time.GetElapsedTime(start) < NoticeBound)
        {
            if (_bus.IsLinkUp)
            {
                try
                {
                    await endpoint.SendToAsync(destination, notice).ConfigureAwait(false);
                    return;
                }
                catch (RpmsgException ex) when (ex is not RpmsgEndpointClosedException { Error: RpmsgError.EndpointClosed })
                {
                    last = ex;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), _time).ConfigureAwait(false);
        }

        Log.NoticeDropped(_logger, destination.Value, last?.Message ?? "the link stayed down");
    }

    private static partial class Log
    {
        [LoggerMessage(5101, LogLevel.Debug, "The soak echo endpoint {Address} is announced when the channel opens: {Reason}.")]
        public static partial void AnnouncementDeferred(ILogger logger, uint address, string reason);

        [LoggerMessage(5100, LogLevel.Warning, "A soak notice to {Destination} never went out: {Reason}. The soak counts that message as lost.")]
        public static partial void NoticeDropped(ILogger logger, uint destination, string reason);
    }
}
