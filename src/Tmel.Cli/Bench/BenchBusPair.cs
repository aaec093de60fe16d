using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Bench;

/// <summary>Two buses joined by one transport, link up: the client bus (application side) and the service bus (TME-L side).</summary>
internal sealed class BenchBusPair : IAsyncDisposable
{
    private static readonly TimeSpan s_linkUpTimeout = TimeSpan.FromSeconds(10);

    private BenchBusPair(RpmsgBus client, RpmsgBus service)
    {
        Client = client;
        Service = service;
    }

    public RpmsgBus Client { get; }

    public RpmsgBus Service { get; }

    /// <summary>Creates the pair over <paramref name="transport"/> (loopback or QMP) and waits until both sides see the link up.</summary>
    public static async Task<BenchBusPair> CreateAsync(BenchTransport transport, CancellationToken cancellationToken)
    {
        BenchBusPair pair;
        if (transport == BenchTransport.Qmp)
        {
            (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
            var service = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(remote, QmpRole.Remote)));
            pair = new BenchBusPair(new RpmsgBus(new QmpRpmsgTransport(new QmpLink(local, QmpRole.Local))), service);
        }
        else
        {
            // The loopback gets the QMP MTU, so both carry the same payloads.
            var link = new RpmsgLoopback(new RpmsgLoopbackOptions { Mtu = QmpMailboxLayout.MaxMessageSize, TxQueueDepth = 16 });
            pair = new BenchBusPair(new RpmsgBus(link.First), new RpmsgBus(link.Second));
        }

        TimeProvider clock = TimeProvider.System;
        long started = clock.GetTimestamp();
        while (!pair.Client.IsLinkUp || !pair.Service.IsLinkUp)
        {
            if (clock.GetElapsedTime(started) > s_linkUpTimeout)
            {
                await pair.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"The {transport} link did not come up within {s_linkUpTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), clock, cancellationToken).ConfigureAwait(false);
        }

        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await Service.DisposeAsync().ConfigureAwait(false);
    }
}
