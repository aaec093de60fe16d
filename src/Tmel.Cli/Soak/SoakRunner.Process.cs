using Microsoft.Extensions.Hosting;
using Rpmsg.Core;
using Tmel.Simulator;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Soak;

/// <summary>The soak against a simulator in its own process: attached (<c>--connect</c>) or owned and, with
/// <c>--kill-simulator-every</c>, killed and restarted during the run (docs/reliability.md).</summary>
internal sealed partial class SoakRunner
{
    private readonly SoakKills _kills = new();
    private bool _enoughKills;

    /// <summary>How long an exchange in flight at a kill still waits for its echo: one already in the client's mailbox.</summary>
    private static TimeSpan KillGrace => TimeSpan.FromMilliseconds(250);

    /// <summary>How long a service's echo may take by its own bounds: the requests queued before it at its service (one per
    /// client), each echo's send (the simulator runs with the same timeouts), and a notice's retries.</summary>
    private TimeSpan EchoBound => ((((settings.Clients + settings.Services - 1) / settings.Services) + 1) * settings.SendBound) + SoakEchoService.NoticeBound;

    /// <summary>Whether no new message will start: the duration is over or every message was taken.</summary>
    private bool TrafficOver => time.GetTimestamp() >= _deadline || _ledger.Issued >= settings.MessageLimit || Volatile.Read(ref _enoughKills);

    /// <summary>The most a kill may take to recover (the first echo after it); past it the kill counts as unrecovered.</summary>
    private static TimeSpan RecoveryBound => TimeSpan.FromSeconds(60);

    private async Task<SoakResult> RunAgainstProcessAsync(CancellationToken cancellationToken)
    {
        SoakSimulatorChild? child = settings.ConnectDirectory is null
            ? await SoakSimulatorChild.StartAsync(settings, cancellationToken).ConfigureAwait(false)
            : null;
        bool graceful = false;
        try
        {
            string directory = child?.Directory ?? settings.ConnectDirectory!;
            using QmpSharedMemoryMailbox mailbox = QmpSharedMemoryMailbox.AttachClient(directory, "apps", TimeProvider.System);
            using var clientFaults = new QmpFaultInjectingMailbox(mailbox, FaultOptions(1), time) { IsEnabled = false };
            QmpTransportOptions link = LinkOptions();
            using var stopServices = new CancellationTokenSource();
            using IHost host = BuildHost(clientFaults, mailbox.CreateSharedMemoryRegion(), link);
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                SoakResult result = await RunTrafficAsync(host, new SoakTarget(null, null, null, child), clientFaults, stopServices, cancellationToken).ConfigureAwait(false);
                graceful = true;
                return result;
            }
            finally
            {
                clientFaults.IsEnabled = false;
                await stopServices.CancelAsync().ConfigureAwait(false);
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            if (child is not null)
            {
                await child.DisposeAsync(graceful).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every <paramref name="every"/> of traffic: SIGKILL the simulator, start a new one on the same directory, and time
    /// the recovery (kill to the first echo after it). The next interval starts once the client recovered.</summary>
    private async Task KillLoopAsync(SoakSimulatorChild child, TimeSpan every, CancellationTokenSource traffic, CancellationToken stop, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                try
                {
                    await Task.Delay(every, time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }

                if (TrafficOver)
                {
                    return;
                }

                await child.KillAsync().ConfigureAwait(false);
                long killedAt = time.GetTimestamp();
                _kills.Killed();

                long launched = time.GetTimestamp();
                await child.LaunchAsync(ct).ConfigureAwait(false);
                _kills.Restarted(time.GetElapsedTime(launched));

                while (_kills.FirstEchoAfterKill == 0 && time.GetElapsedTime(killedAt) < RecoveryBound && !stop.IsCancellationRequested && !TrafficOver)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(5), time, ct).ConfigureAwait(false);
                }

                if (_kills.FirstEchoAfterKill is not 0 and long recovered)
                {
                    _kills.Recovered(time.GetElapsedTime(killedAt, recovered));
                }
                else if (!stop.IsCancellationRequested && !TrafficOver)
                {
                    _kills.NotRecovered();
                }

                if (settings.SimulatorKills is { } enough && _kills.Count >= enough)
                {
                    // The last kill is behind us: the traffic ends, and what is in flight drains against the last simulator.
                    Volatile.Write(ref _enoughKills, true);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // No simulator to send to: stop the traffic, and the run fails with this.
            await traffic.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads the echoes and notices of the simulator process's soak echo services for one client endpoint. An echo is
    /// a delivery (and the echo's own); a notice names a delivery whose echo failed (typed) or that came again.</summary>
    private async Task ReadRemoteRepliesAsync(RpmsgEndpoint endpoint, int client, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                using RpmsgMessage message = await endpoint.ReceiveAsync(stop).ConfigureAwait(false);
                if (SoakNotice.TryParse(message.Payload, out SoakNotice notice))
                {
                    SoakEntry? noticed = _ledger.Identify(client, notice.Prefix.Span, notice.Size);
                    if (noticed is not null)
                    {
                        noticed.DeliveredAtLeast(notice.Delivery);
                        if (notice.Failure is { } failure)
                        {
                            noticed.ReplyFailure ??= failure;
                            noticed.Settle(time.GetTimestamp());
                        }
                    }

                    continue;
                }

                SoakEntry? entry = _ledger.Identify(client, message.Span);
                if (entry is null)
                {
                    continue;
                }

                entry.DeliveredAtLeast(1);
                if (entry.AddReceived() == 1)
                {
                    entry.ReplyConfirmed = true;
                    _ledger.Latency.Add(time.GetElapsedTime(entry.StartedAt));
                    _ledger.Check(entry, message.Span);
                    _kills.EchoReceived(time.GetTimestamp());
                }

                entry.Settle(time.GetTimestamp());
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (RpmsgEndpointClosedException)
        {
        }
    }

    /// <summary>What the traffic runs against: the in-memory simulator (its mailbox and injector), or a simulator process (the
    /// child the soak owns, or none with <c>--connect</c>).</summary>
    private sealed record SoakTarget(TmelSimulator? Simulator, QmpInMemoryMailbox? Local, QmpFaultInjectingMailbox? SimulatorFaults, SoakSimulatorChild? Child);
}
