using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.Echo;
using Tmel.Simulator;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Soak;

/// <summary>
/// Runs a soak: the whole stack (the hosted bus, QMP link and echo driver against the in-memory simulator) with a fault
/// injector on the client's mailbox, the simulator's, or both; client endpoints send ledger messages to echo services on the
/// simulator's bus (and to the simulator's own echo service through the typed client); every delivery on either side is
/// checked against the ledger (docs/reliability.md).
/// </summary>
internal sealed partial class SoakRunner(SoakSettings settings, TimeProvider time, TextWriter progress)
{
    private readonly SoakCorruptionRecords _records = new();
    private SoakLedger _ledger = null!;
    private long _deadline = long.MaxValue;

    public async Task<SoakResult> RunAsync(CancellationToken cancellationToken)
    {
        _ledger = new SoakLedger(time, _records);
        if (!settings.InMemory)
        {
            return await RunAgainstProcessAsync(cancellationToken).ConfigureAwait(false);
        }

        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        using var clientFaults = new QmpFaultInjectingMailbox(local, FaultOptions(1), time) { IsEnabled = false };
        using var simulatorFaults = new QmpFaultInjectingMailbox(remote, FaultOptions(2), time) { IsEnabled = false };
        var region = new QmpSharedMemoryRegion();
        QmpTransportOptions link = LinkOptions();

        using var stopServices = new CancellationTokenSource();
        using IHost host = BuildHost(clientFaults, region, link);
        var simulator = new TmelSimulator(simulatorFaults, new TmelSimulatorOptions { Link = link, SharedMemory = region }, time, host.Services.GetRequiredService<ILoggerFactory>());
        await using (simulator.ConfigureAwait(false))
        {
            await simulator.StartAsync(cancellationToken).ConfigureAwait(false);
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await RunTrafficAsync(host, new SoakTarget(simulator, local, simulatorFaults, null), clientFaults, stopServices, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                clientFaults.IsEnabled = false;
                simulatorFaults.IsEnabled = false;
                await stopServices.CancelAsync().ConfigureAwait(false);
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task<SoakResult> RunTrafficAsync(IHost host, SoakTarget target, QmpFaultInjectingMailbox clientFaults, CancellationTokenSource stopServices, CancellationToken ct)
    {
        RpmsgBus bus = host.Services.GetRequiredService<RpmsgBus>();
        EchoDriver echo = host.Services.GetRequiredService<EchoDriver>();
        await echo.WaitForClientAsync(TimeSpan.FromSeconds(30), time, ct).ConfigureAwait(false);
        TmelSimulator? simulator = target.Simulator;
        QmpFaultInjectingMailbox? simulatorFaults = target.SimulatorFaults;

        var queue = new RpmsgEndpointOptions { ReceiveQueueCapacity = 1024 };
        var services = new RpmsgEndpoint[simulator is null ? 0 : settings.Services];
        for (int i = 0; i < services.Length; i++)
        {
            services[i] = simulator!.Bus.CreateEndpoint(RpmsgAddress.Any, queue);
        }

        var remoteServices = new SoakRemoteServices(bus);
        if (simulator is null)
        {
            await remoteServices.WaitAsync(settings.ConnectDirectory, TimeSpan.FromSeconds(10), time, ct).ConfigureAwait(false);
        }

        var clients = new RpmsgEndpoint[settings.Clients];
        var clientOf = new Dictionary<uint, int>();
        for (int i = 0; i < clients.Length; i++)
        {
            clients[i] = bus.CreateEndpoint(RpmsgAddress.Any, queue);
            clientOf[clients[i].Address.Value] = i;
        }

        long memoryStart = Memory();
        long startedAt = time.GetTimestamp();
        if (settings.Duration is { } duration)
        {
            _deadline = startedAt + (long)(duration.TotalSeconds * time.TimestampFrequency);
        }

        clientFaults.IsEnabled = settings.FaultSide != SoakFaultSide.Simulator;
        simulatorFaults?.IsEnabled = settings.FaultSide != SoakFaultSide.Client;

        // Traffic stops early only if the simulator process cannot be restarted.
        using var traffic = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var background = new List<Task>();
        background.AddRange(services.Select(s => Task.Run(() => ServeAsync(s, clientOf, stopServices.Token), CancellationToken.None)));
        background.AddRange(clients.Select((c, i) => Task.Run(() => simulator is null ? ReadRemoteRepliesAsync(c, i, stopServices.Token) : ReadRepliesAsync(c, i, stopServices.Token), CancellationToken.None)));
        var workers = new List<Task>();
        workers.AddRange(clients.Select((c, i) => Task.Run(() => SendAsync(bus, c, i, token => simulator is null ? remoteServices.AddressForAsync(i, settings.SendBound, time, token) : Task.FromResult<RpmsgAddress?>(services[i % services.Length].Address), traffic.Token), CancellationToken.None)));
        if (settings.TypedEcho)
        {
            workers.Add(Task.Run(() => TypedEchoAsync(bus, echo, clients.Length, traffic.Token), CancellationToken.None));
        }

        Task all = Task.WhenAll(workers);
        using var stopKilling = new CancellationTokenSource();
        Task killing = target.Child is { } child && settings.KillSimulatorEvery is { } every
            ? Task.Run(() => KillLoopAsync(child, every, traffic, stopKilling.Token, ct), CancellationToken.None)
            : Task.CompletedTask;
        QmpLink clientLink = host.Services.GetRequiredService<QmpLink>();
        long lastIssued = -1;
        int still = 0;
        int lastOpen = -1;
        long hangOpenAt = 0;
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(settings.ProgressInterval, time, ct)).ConfigureAwait(false);
            _ledger.Sweep(Retire, all: false);
            await WriteProgressAsync(clientFaults, simulatorFaults, startedAt).ConfigureAwait(false);
            if (killing.IsFaulted)
            {
                break;
            }

            // Once traffic is over, the exchanges still open have a bound of their own, counted afresh whenever one settles;
            // past it they are hung. The run ends with a report rather than waiting out bounds made for the worst case of
            // every exchange (minutes with long timeouts).
            if (TrafficOver)
            {
                List<SoakEntry> open = [.. _ledger.OpenEntries()];
                if (open.Count != lastOpen)
                {
                    lastOpen = open.Count;
                    hangOpenAt = time.GetTimestamp() + (long)(EndBound(open, echo).TotalSeconds * time.TimestampFrequency);
                }
                else if (open.Count > 0 && time.GetTimestamp() >= hangOpenAt && _ledger.HangOpen() is > 0 and int hung)
                {
                    await progress.WriteLineAsync($"soak: {hung} exchanges still open past the end bound: hung").ConfigureAwait(false);
                }
            }

            long issued = _ledger.Issued;
            still = issued == lastIssued ? still + 1 : 0;
            lastIssued = issued;
            if (still == 3)
            {
                // No message started for three progress periods: show where the link stands, as an operator would look.
                await progress.WriteLineAsync(target.Local is { } local && simulator is not null
                    ? string.Create(
                        System.Globalization.CultureInfo.InvariantCulture,
                        $"soak: no progress; client link {clientLink.State}, word {Word(local.SnapshotWindow(), QmpMailboxLayout.LocalMailboxOffset)}; simulator link {simulator.Link.State}, word {Word(local.SnapshotWindow(), QmpMailboxLayout.RemoteMailboxOffset)}")
                    : $"soak: no progress; client link {clientLink.State}").ConfigureAwait(false);
            }
        }

        // The kill loop stops (a restart under way finishes first), so a simulator serves the drain.
        await stopKilling.CancelAsync().ConfigureAwait(false);
        await killing.ConfigureAwait(false);
        await all.ConfigureAwait(false);

        // No more faults; whatever is still in flight settles by its own bounds.
        clientFaults.IsEnabled = false;
        simulatorFaults?.IsEnabled = false;
        await DrainAsync(ct).ConfigureAwait(false);
        TimeSpan elapsed = time.GetElapsedTime(startedAt);
        await stopServices.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(background).ConfigureAwait(false);
        _ledger.Sweep(TimeSpan.Zero, all: true);

        foreach (RpmsgEndpoint endpoint in clients.Concat(services))
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
        }

        long memoryEnd = Memory();
        return new SoakResult(settings, _ledger.Totals(Faults(clientFaults, simulatorFaults)), _ledger.Latency, elapsed, memoryStart, memoryEnd, (simulator?.Link.ProtocolErrors ?? 0) + host.Services.GetRequiredService<QmpLink>().ProtocolErrors)
        {
            Kills = target.Child is null ? null : _kills.Snapshot(),
            Findings = _ledger.Findings(),
        };
    }

    /// <summary>How long the exchanges still open after traffic may take from now by their own bounds, one after another on
    /// the links: a ledger exchange's request and echo, the typed client's wait for its device and its call; then a simulator
    /// restart under way, and the grace.</summary>
    private TimeSpan EndBound(List<SoakEntry> open, EchoDriver echo)
    {
        TimeSpan bound = (settings.KillSimulatorEvery is null ? TimeSpan.Zero : RecoveryBound) + settings.HangGrace;
        foreach (SoakEntry entry in open)
        {
            bound += entry.Client == settings.Clients ? 2 * TypedCallBound(echo) : 2 * settings.SendBoundFor(entry.Size);
        }

        return bound;
    }

    /// <summary>The typed client's bound for each of its waits (for the echo device, for a call): the request's send and the
    /// echo's, the client's wait for the reply, and the grace.</summary>
    private TimeSpan TypedCallBound(EchoDriver echo) => (2 * settings.SendBound) + echo.ResponseTimeout + settings.HangGrace;

    private static QmpDescriptor Word(byte[] window, int offset) => new(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(window.AsSpan(offset)));

    /// <summary>How long a settled message stays in the ledger: a late or duplicate copy comes within a few protocol timeouts.</summary>
    private TimeSpan Retire => TimeSpan.FromSeconds(2) + (4 * (settings.ConsumeTimeout + settings.FragmentTimeout));

    private static long Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The client link's settings (the simulator's too, in process): the soak's short protocol timeouts, and bring-up
    /// waits short enough that a reset link is retried quickly.</summary>
    private QmpTransportOptions LinkOptions() => new()
    {
        FragmentTimeout = settings.FragmentTimeout,
        ConsumeTimeout = settings.ConsumeTimeout,
        LinkUpTimeout = TimeSpan.FromMilliseconds(500),
        ChannelOpenTimeout = TimeSpan.FromMilliseconds(500),
    };

    private static Dictionary<QmpFaultKind, long> Faults(QmpFaultInjectingMailbox client, QmpFaultInjectingMailbox? simulator) =>
        Enum.GetValues<QmpFaultKind>().ToDictionary(k => k, k => client.GetCount(k) + (simulator?.GetCount(k) ?? 0));

    private QmpFaultInjectionOptions FaultOptions(int stream)
    {
        QmpFaultInjectionOptions options = settings.CreateFaultOptions(stream);
        options.OnFault = _records.Add;
        return options;
    }

    private IHost BuildHost(QmpFaultInjectingMailbox mailbox, QmpSharedMemoryRegion region, QmpTransportOptions link) => BuildHost(settings, time, mailbox, region, link);

    /// <summary>The client's side of the stack, hosted: bus, QMP link (with its hosted service's bring-up and recovery) and the echo driver.</summary>
    internal static IHost BuildHost(SoakSettings settings, TimeProvider time, IQmpMailbox mailbox, QmpSharedMemoryRegion region, QmpTransportOptions link)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "tmel-soak",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (settings.LogLevel is { } level)
        {
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(level);
        }

        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<IQmpMailbox>(mailbox);
        builder.Services.AddSingleton(region);

        // The typed echo client with short waits, so an abandoned request costs little.
        builder.Services.AddSingleton(new EchoDriver(settings.SendBound, TimeSpan.FromSeconds(2)));
        builder.Services.AddTmelRpmsg(o =>
            {
                o.TxTimeout = settings.TxTimeout;
                o.ReceiveQueueCapacity = 1024;
            })
            .UseQmp(o =>
            {
                o.FragmentTimeout = link.FragmentTimeout;
                o.ConsumeTimeout = link.ConsumeTimeout;
                o.LinkUpTimeout = link.LinkUpTimeout;
                o.ChannelOpenTimeout = link.ChannelOpenTimeout;
                o.BringUpRetryDelay = TimeSpan.FromMilliseconds(10);
                o.BringUpMaxRetryDelay = TimeSpan.FromMilliseconds(200);
            })
            .AddEcho();
        return builder.Build();
    }

    private bool TryNext(out long seq)
    {
        if (time.GetTimestamp() >= _deadline || Volatile.Read(ref _enoughKills))
        {
            seq = 0;
            return false;
        }

        return _ledger.TryNext(settings.MessageLimit, out seq);
    }

    private int NextSize(Random random)
    {
        // Log-uniform over 1..MaxSize: every size class is exercised, from one byte to 256 fragments.
        double exponent = random.NextDouble() * Math.Log(settings.MaxSize);
        return Math.Clamp((int)Math.Exp(exponent), 1, settings.MaxSize);
    }

    private async Task SendAsync(RpmsgBus bus, RpmsgEndpoint endpoint, int client, Func<CancellationToken, Task<RpmsgAddress?>> service, CancellationToken ct)
    {
        var random = new Random(HashCode.Combine(settings.Seed, client, 0x5EED));
        while (TryNext(out long seq))
        {
            int size = NextSize(random);
            Task killed = _kills.NextKill;
            SoakEntry entry = _ledger.Register(seq, client, size);
            if (await service(ct).ConfigureAwait(false) is not { } destination)
            {
                entry.RequestFailure = "TimeoutException.NoSoakEchoDevice";
                entry.Settle(time.GetTimestamp());
                continue;
            }

            byte[] payload = SoakPayload.Build(seq, size);
            Task send = endpoint.SendToAsync(destination, payload, ct).AsTask();
            if (!await CompletesWithinAsync(send, settings.SendBoundFor(size) + settings.HangGrace, ct).ConfigureAwait(false))
            {
                entry.Hung = true;
                entry.Settle(time.GetTimestamp());
                continue;
            }

            try
            {
                await send.ConfigureAwait(false);
                entry.RequestConfirmed = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                entry.RequestFailure = _ledger.FailureKind(ex);
                entry.Settle(time.GetTimestamp());
                await WaitForLinkAsync(bus, ct).ConfigureAwait(false);
                continue;
            }

            // The echo's send is bounded like ours; the service may have a few requests queued before this one.
            long confirmedAt = time.GetTimestamp();
            TimeSpan replyBound = ((settings.Clients + 1) * settings.SendBound) + settings.HangGrace;
            if (!await CompletesWithinAsync(Task.WhenAny(entry.Settled, killed), replyBound, ct).ConfigureAwait(false))
            {
                entry.Hung = true;
                entry.Settle(time.GetTimestamp());
            }
            else if (!entry.Settled.IsCompleted)
            {
                // The simulator process was killed. If the echo was still within its own bound, the kill took it: what is
                // already in the client's mailbox comes within the grace, anything else is gone with the process. An echo
                // already overdue at the kill is not excused by it: it is waited for to the end, and hangs or counts lost.
                TimeSpan waited = time.GetElapsedTime(confirmedAt);
                if (waited <= EchoBound)
                {
                    if (!await CompletesWithinAsync(entry.Settled, KillGrace, ct).ConfigureAwait(false))
                    {
                        entry.Unanswered = "no reply: simulator process killed";
                        entry.Settle(time.GetTimestamp());
                    }
                }
                else if (!await CompletesWithinAsync(entry.Settled, replyBound - waited, ct).ConfigureAwait(false))
                {
                    entry.Hung = true;
                    entry.Settle(time.GetTimestamp());
                }
            }
        }
    }

    private async Task ServeAsync(RpmsgEndpoint endpoint, Dictionary<uint, int> clientOf, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                using RpmsgMessage message = await endpoint.ReceiveAsync(stop).ConfigureAwait(false);
                SoakEntry? entry = clientOf.TryGetValue(message.Source.Value, out int client) ? _ledger.Identify(client, message.Span) : null;
                if (entry is not null)
                {
                    entry.AddDelivered();
                    _ledger.Check(entry, message.Span);
                }

                // Echo what arrived, as it arrived: a corrupted request comes back corrupted.
                Task reply = endpoint.SendToAsync(message.Source, message.Payload, CancellationToken.None).AsTask();
                if (!await CompletesWithinAsync(reply, settings.SendBoundFor(message.Length) + settings.HangGrace, CancellationToken.None).ConfigureAwait(false))
                {
                    if (entry is not null)
                    {
                        entry.Hung = true;
                        entry.Settle(time.GetTimestamp());
                    }

                    continue;
                }

                try
                {
                    await reply.ConfigureAwait(false);
                    if (entry is not null)
                    {
                        entry.ReplyConfirmed = true;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (entry is not null)
                    {
                        entry.ReplyFailure = _ledger.FailureKind(ex);
                        entry.Settle(time.GetTimestamp());
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (RpmsgEndpointClosedException)
        {
        }
    }

    private async Task ReadRepliesAsync(RpmsgEndpoint endpoint, int client, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                using RpmsgMessage message = await endpoint.ReceiveAsync(stop).ConfigureAwait(false);
                SoakEntry? entry = _ledger.Identify(client, message.Span);
                if (entry is null)
                {
                    continue;
                }

                if (entry.AddReceived() == 1)
                {
                    _ledger.Latency.Add(time.GetElapsedTime(entry.StartedAt));
                    _ledger.Check(entry, message.Span);
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

    /// <summary>The simulator's own echo service through the typed client: outcomes and bytes are checked; the client's own
    /// sends are not visible, so lost and duplicated are judged on the ledger services only.</summary>
    private async Task TypedEchoAsync(RpmsgBus bus, EchoDriver driver, int client, CancellationToken ct)
    {
        var random = new Random(HashCode.Combine(settings.Seed, client, 0x5EED));
        TimeSpan bound = TypedCallBound(driver);
        while (TryNext(out long seq))
        {
            int size = NextSize(random);
            SoakEntry entry = _ledger.Register(seq, client, size);
            try
            {
                EchoClient echo = await driver.WaitForClientAsync(bound, time, ct).ConfigureAwait(false);
                Task<byte[]> call = echo.EchoAsync(SoakPayload.Build(seq, size), ct);
                if (!await CompletesWithinAsync(call, bound, ct).ConfigureAwait(false))
                {
                    entry.Hung = true;
                    continue;
                }

                byte[] reply = await call.ConfigureAwait(false);
                entry.RequestConfirmed = true;
                entry.AddDelivered();
                entry.ReplyConfirmed = true;
                entry.AddReceived();
                if (_ledger.Check(entry, reply))
                {
                    _ledger.Latency.Add(time.GetElapsedTime(entry.StartedAt));
                }
            }
            catch (TimeoutException) when (!ct.IsCancellationRequested)
            {
                entry.RequestFailure = "TimeoutException.NoEchoDevice";
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                entry.RequestFailure = "echo " + _ledger.FailureKind(ex);
                await WaitForLinkAsync(bus, ct).ConfigureAwait(false);
            }
            finally
            {
                entry.Settle(time.GetTimestamp());
            }
        }
    }

    /// <summary>After a failure while the link is down, waits (bounded) for it to come back, so a reset is not a burst of instant failures.</summary>
    private async Task WaitForLinkAsync(RpmsgBus bus, CancellationToken ct)
    {
        long start = time.GetTimestamp();
        while (!bus.IsLinkUp && time.GetElapsedTime(start) < settings.SendBound)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1), time, ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> CompletesWithinAsync(Task task, TimeSpan bound, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task delay = Task.Delay(bound, time, timeout.Token);
        Task first = await Task.WhenAny(task, delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return first == task;
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        long start = time.GetTimestamp();
        TimeSpan bound = ((settings.Clients + 2) * settings.SendBound) + settings.HangGrace;
        while (time.GetElapsedTime(start) < bound && _ledger.HasUnsettled())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), time, ct).ConfigureAwait(false);
        }

        // Late copies (a duplicate, a delivery after a failure) would arrive within a few protocol timeouts.
        await Task.Delay(settings.ConsumeTimeout * 4, time, ct).ConfigureAwait(false);
    }

    private async Task WriteProgressAsync(QmpFaultInjectingMailbox clientFaults, QmpFaultInjectingMailbox? simulatorFaults, long startedAt)
    {
        SoakTotals totals = _ledger.Totals(Faults(clientFaults, simulatorFaults));
        double seconds = Math.Max(time.GetElapsedTime(startedAt).TotalSeconds, 1e-3);
        long issued = Math.Min(_ledger.Issued, settings.MessageLimit);
        string of = settings.MessageLimit == long.MaxValue ? string.Empty : $"/{settings.Messages}";
        await progress.WriteLineAsync(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"soak: {issued}{of} messages, {seconds:F0} s, {issued / seconds:F0} msg/s, {totals.FaultsInjected} faults, {totals.Failed} failed, {totals.Lost} lost, {totals.Duplicated} duplicated, {totals.CorruptedUnexplained} corrupted unexplained, {totals.Hung} hung, {(settings.KillSimulatorEvery is null ? string.Empty : $"{_kills.Count}{(settings.SimulatorKills is { } n ? $"/{n}" : string.Empty)} simulator kills, ")}{GC.GetTotalMemory(false) / 1024 / 1024} MiB")).ConfigureAwait(false);
    }
}
