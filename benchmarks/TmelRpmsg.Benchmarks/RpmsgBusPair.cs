using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace TmelRpmsg.Benchmarks;

/// <summary>
/// Two <see cref="RpmsgBus"/>es joined by one link, up and ready: a client bus (the application side) and a service bus
/// (the TME-L side).
/// </summary>
internal sealed class RpmsgBusPair : IAsyncDisposable
{
    private static readonly TimeSpan s_linkUpTimeout = TimeSpan.FromSeconds(10);

    private RpmsgBusPair(RpmsgBus client, RpmsgBus service)
    {
        Client = client;
        Service = service;
    }

    /// <summary>Gets the bus the benchmark sends from.</summary>
    public RpmsgBus Client { get; }

    /// <summary>Gets the bus the echo or counting service lives on.</summary>
    public RpmsgBus Service { get; }

    /// <summary>Joins two buses with an <see cref="RpmsgLoopback"/> and waits for the link.</summary>
    /// <param name="mtu">The loopback MTU.</param>
    /// <returns>The pair, link up.</returns>
    public static async Task<RpmsgBusPair> CreateLoopbackAsync(int mtu)
    {
        var link = new RpmsgLoopback(new RpmsgLoopbackOptions { Mtu = mtu, TxQueueDepth = 16 });
        var pair = new RpmsgBusPair(new RpmsgBus(link.First), new RpmsgBus(link.Second));
        await pair.WaitForLinkUpAsync("loopback");
        return pair;
    }

    /// <summary>
    /// Joins two buses over QMP on an in-memory mailbox window: the service bus drives the remote (TME-L) role, the
    /// client bus the local (APPS) role; waits until both sides see the channel open.
    /// </summary>
    /// <param name="spinCount">Doorbell spin rounds before a waiter parks.</param>
    /// <returns>The pair, channel open.</returns>
    public static async Task<RpmsgBusPair> CreateQmpAsync(int spinCount = QmpInMemoryMailbox.DefaultSpinCount)
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair(spinCount);
        var service = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(remote, QmpRole.Remote)));
        var client = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(local, QmpRole.Local)));
        var pair = new RpmsgBusPair(client, service);
        await pair.WaitForLinkUpAsync("QMP");
        return pair;
    }

    /// <summary>Disposes the client bus, then the service bus.</summary>
    /// <returns>A task that completes when both are shut down.</returns>
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Service.DisposeAsync();
    }

    private async Task WaitForLinkUpAsync(string what)
    {
        TimeProvider clock = TimeProvider.System;
        long started = clock.GetTimestamp();
        while (!Client.IsLinkUp || !Service.IsLinkUp)
        {
            if (clock.GetElapsedTime(started) > s_linkUpTimeout)
            {
                throw new InvalidOperationException($"The {what} link did not come up within {s_linkUpTimeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), clock);
        }
    }
}
