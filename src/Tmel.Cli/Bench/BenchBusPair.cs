using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Bench;

/// <summary>Two buses joined by one transport, link up: the client bus (application side) and the service bus (TME-L side).</summary>
/// <remarks>Shared by <c>tmel bench</c> and the BenchmarkDotNet project, so both measure the same setup.</remarks>
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

    /// <summary>Creates the pair over <paramref name="transport"/>; the loopback gets the QMP MTU, so both carry the same payloads.</summary>
    public static Task<BenchBusPair> CreateAsync(BenchTransport transport, CancellationToken cancellationToken = default) =>
        transport == BenchTransport.Qmp
            ? CreateQmpAsync(QmpInMemoryMailbox.DefaultSpinCount, cancellationToken)
            : CreateLoopbackAsync(QmpMailboxLayout.MaxMessageSize, cancellationToken);

    /// <summary>Joins two buses with an <see cref="RpmsgLoopback"/> (transmit depth 16) and waits for the link.</summary>
    public static Task<BenchBusPair> CreateLoopbackAsync(int mtu, CancellationToken cancellationToken = default)
    {
        var link = new RpmsgLoopback(new RpmsgLoopbackOptions { Mtu = mtu, TxQueueDepth = 16 });
        return WaitForLinkUpAsync(new BenchBusPair(new RpmsgBus(link.First), new RpmsgBus(link.Second)), "loopback", cancellationToken);
    }

    /// <summary>Joins two buses over QMP on an in-memory window (service bus remote, client bus local) and waits for the channel.</summary>
    public static Task<BenchBusPair> CreateQmpAsync(int spinCount = QmpInMemoryMailbox.DefaultSpinCount, CancellationToken cancellationToken = default)
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair(spinCount);
        var service = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(remote, QmpRole.Remote)));
        var client = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(local, QmpRole.Local)));
        return WaitForLinkUpAsync(new BenchBusPair(client, service), "QMP", cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await Service.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<BenchBusPair> WaitForLinkUpAsync(BenchBusPair pair, string what, CancellationToken cancellationToken)
    {
        TimeProvider clock = TimeProvider.System;
        long started = clock.GetTimestamp();
        while (!pair.Client.IsLinkUp || !pair.Service.IsLinkUp)
        {
            if (clock.GetElapsedTime(started) > s_linkUpTimeout)
            {
                await pair.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"The {what} link did not come up within {s_linkUpTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), clock, cancellationToken).ConfigureAwait(false);
        }

        return pair;
    }
}
