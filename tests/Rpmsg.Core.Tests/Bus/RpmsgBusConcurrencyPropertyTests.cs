using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using CsCheck;

namespace Rpmsg.Core.Tests.Bus;

/// <summary>
/// Random concurrent workloads on two buses joined by a loopback link: workers send sequence-numbered messages from
/// bus A to receivers on bus B while they also create and destroy receivers and add and remove devices on bus B.
/// </summary>
/// <remarks>
/// Every sample runs on the real clock, with no sleeps; time only bounds waits, as deadlock detection. After the workers
/// finish and the buses quiesce, what each (sender, receiver) pair received must be a strictly increasing subsequence of
/// what was sent successfully (all of it when the receiver stayed open), and the bus counters must balance.
/// </remarks>
public class RpmsgBusConcurrencyPropertyTests
{
    private const string DeviceName = "prop-dev";
    private const int PayloadLength = 12;

    /// <summary>Deadlock detection only: a sample that has not finished by then is reported as hung.</summary>
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(30);

    /// <summary>Deadlock detection for one phase of a sample (a send waiting for room, quiescing, a reader ending, disposal).</summary>
    private static readonly TimeSpan s_phaseGuard = TimeSpan.FromSeconds(10);

    private static readonly Gen<CreateReceiver> s_createReceiver = Gen.Select(
        Gen.Bool,
        Gen.Int[0, 4],
        Gen.Int[0, 3],
        (callback, capacity, lag) => new CreateReceiver(callback, callback || capacity == 0 ? null : capacity, callback ? 0 : lag));

    private static readonly Gen<Op> s_op = Gen.Frequency(
        (2, s_createReceiver.Select(c => (Op)c)),
        (1, Gen.Int[0, 7].Select(pick => (Op)new DestroyReceiver(pick))),
        (8, Gen.Select(Gen.Int[0, 7], Gen.Int[1, 8], Gen.Int[0, 5], (pick, count, mode) => (Op)new Send(pick, count, TryFirst: mode == 0, CloseSenderMidway: mode == 1))),
        (1, Gen.Int[0, 3].Select(lag => (Op)new AddDevice(lag))),
        (1, Gen.Select(Gen.Int[0, 7], Gen.Bool, Gen.Int[0, 3], (pick, callback, lag) => (Op)new CreateDeviceEndpoint(pick, callback, callback ? 0 : lag))),
        (1, Gen.Int[0, 7].Select(pick => (Op)new RemoveDevice(pick))),
        (1, Gen.Const((Op)new RecycleSender())));

    private static readonly Gen<Scenario> s_scenario = Gen.Select(
        Gen.Int[1, 4],
        Gen.Int[1, 4],
        s_createReceiver.Array[0, 3],
        s_op.Array[1, 24].Array[2, 4],
        (txQueueDepth, receiveQueueCapacity, initial, workers) => new Scenario(txQueueDepth, receiveQueueCapacity, initial, workers));

    [Fact]
    public async Task SendToAsync_ConcurrentEndpointAndDeviceChurn_DeliversInOrderWithoutLossOrDeadlock()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        int hangs = 0;

        await s_scenario.SampleAsync(
            async scenario =>
            {
                // A hung sample leaves its tasks running, and shrinking would wait out the guard again for every smaller
                // hanging case; so the first hang is the one reported, and the samples after it are skipped.
                if (Volatile.Read(ref hangs) != 0)
                {
                    return;
                }

                try
                {
                    await RunAsync(scenario, ct).WaitAsync(s_hangGuard, ct);
                }
                catch (Exception ex) when (ex is TimeoutException or RpmsgTimeoutException)
                {
                    Interlocked.Increment(ref hangs);
                    throw;
                }
            },
            writeLine: TestContext.Current.TestOutputHelper is { } output ? output.WriteLine : null,
            iter: 4000,
            threads: 1,
            print: scenario => scenario.ToString());
    }

    private static async Task RunAsync(Scenario scenario, CancellationToken ct)
    {
        var world = new World(scenario);
        try
        {
            await world.StartAsync(ct);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task[] workers = [.. scenario.Workers.Select(ops => Task.Run(() => world.RunWorkerAsync(ops, start.Task, ct), ct))];
            start.SetResult();
            await Task.WhenAll(workers);

            await world.QuiesceAsync(ct);
            await world.CheckDeliveryAsync(ct);
            await world.DisposeAndCheckAsync(ct);
        }
        catch
        {
            await world.AbandonAsync();
            throw;
        }
    }

    private abstract record Op;

    /// <summary>Creates a stand-alone receiver on bus B; a queued one is drained by a reader that yields <paramref name="ReaderLag"/> times per message, so its queue fills up now and then.</summary>
    private sealed record CreateReceiver(bool Callback, int? Capacity, int ReaderLag) : Op;

    /// <summary>Destroys an open stand-alone receiver or extra device endpoint (the <paramref name="Pick"/>-th, modulo their number).</summary>
    private sealed record DestroyReceiver(int Pick) : Op;

    /// <summary>Sends <paramref name="Count"/> messages to a receiver, open or not; with <paramref name="CloseSenderMidway"/> another thread closes the sender meanwhile.</summary>
    private sealed record Send(int Pick, int Count, bool TryFirst, bool CloseSenderMidway) : Op;

    /// <summary>Creates a device on bus B, which the driver binds; its default endpoint becomes a queued receiver.</summary>
    private sealed record AddDevice(int ReaderLag) : Op;

    /// <summary>Creates one more endpoint on a device, which may be being removed or gone already.</summary>
    private sealed record CreateDeviceEndpoint(int Pick, bool Callback, int ReaderLag) : Op;

    private sealed record RemoveDevice(int Pick) : Op;

    private sealed record RecycleSender : Op;

    private sealed record Scenario(int TxQueueDepth, int ReceiveQueueCapacity, CreateReceiver[] InitialReceivers, Op[][] Workers)
    {
        public override string ToString()
        {
            var text = new StringBuilder();
            text.Append("TxQueueDepth = ").Append(TxQueueDepth)
                .Append(", ReceiveQueueCapacity = ").Append(ReceiveQueueCapacity)
                .Append(", InitialReceivers = [").AppendJoin(", ", InitialReceivers.AsEnumerable()).Append(']');
            for (int i = 0; i < Workers.Length; i++)
            {
                text.AppendLine().Append("  worker ").Append(i).Append(": ").AppendJoin(", ", Workers[i].AsEnumerable());
            }

            return text.ToString();
        }
    }

    private enum ReceiverRole
    {
        Standalone,
        DeviceDefault,
        DeviceExtra,
    }

    /// <summary>An endpoint on bus B that messages are sent to, and what it got.</summary>
    private sealed class Receiver(int id, ReceiverRole role, World world)
    {
        private readonly Lock _gate = new();
        private readonly List<(int Sender, int Sequence, RpmsgAddress Source)> _received = [];

        public int Id { get; } = id;

        public ReceiverRole Role { get; } = role;

        public RpmsgEndpoint Endpoint { get; set; } = null!;

        /// <summary>Gets or sets the device: its own for <see cref="ReceiverRole.DeviceDefault"/>, the one it belongs to for <see cref="ReceiverRole.DeviceExtra"/>.</summary>
        public RpmsgDevice? Device { get; set; }

        /// <summary>Gets or sets the default-endpoint receiver of the device an extra endpoint belongs to.</summary>
        public Receiver? Owner { get; set; }

        /// <summary>Gets or sets a value indicating whether a worker claimed this receiver for destruction (or, for a default endpoint, its device for removal); set under the world's lock before it starts.</summary>
        public bool Destroyed { get; set; }

        /// <summary>Gets a value indicating whether anything closed, or was about to close, the endpoint during the run.</summary>
        public bool IsGone => Destroyed || Owner is { Destroyed: true };

        public bool IsQueued => !Endpoint.HasCallback;

        public Task Reader { get; private set; } = Task.CompletedTask;

        public RpmsgError? ReaderEndedWith { get; private set; }

        public void StartReader(int lag, CancellationToken ct) => Reader = Task.Run(() => ReadAsync(lag, ct), ct);

        /// <summary>Records one message; counts it as read only afterwards, so that a quiet world has everything recorded.</summary>
        public void Record(RpmsgAddress source, ReadOnlySpan<byte> payload)
        {
            try
            {
                RecordCore(source, payload);
            }
            finally
            {
                world.CountRead();
            }
        }

        private void RecordCore(RpmsgAddress source, ReadOnlySpan<byte> payload)
        {
            if (payload.Length != PayloadLength)
            {
                world.Anomaly($"{this} got a {payload.Length}-byte payload from {source}");
                return;
            }

            int sender = BinaryPrimitives.ReadInt32LittleEndian(payload);
            int sequence = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
            int addressee = BinaryPrimitives.ReadInt32LittleEndian(payload[8..]);
            if (addressee != Id)
            {
                world.Anomaly($"{this} got message {sender}#{sequence} meant for receiver {addressee}");
            }

            lock (_gate)
            {
                _received.Add((sender, sequence, source));
            }
        }

        public (int Sender, int Sequence, RpmsgAddress Source)[] Received()
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }

        /// <summary>The close reasons a reader may end with once the run is over, before the buses are disposed.</summary>
        public RpmsgError[] ExpectedEnds() => Role switch
        {
            ReceiverRole.Standalone => [RpmsgError.EndpointClosed],
            ReceiverRole.DeviceDefault => [RpmsgError.DeviceRemoved],
            _ when Destroyed && Owner!.Destroyed => [RpmsgError.EndpointClosed, RpmsgError.DeviceRemoved],
            _ => [Destroyed ? RpmsgError.EndpointClosed : RpmsgError.DeviceRemoved],
        };

        public override string ToString() => $"receiver {Id} ({Role}, {(Endpoint is null ? "-" : IsQueued ? "queued" : "callback")}, address {Endpoint?.Address.ToString() ?? "-"})";

        private async Task ReadAsync(int lag, CancellationToken ct)
        {
            try
            {
                while (true)
                {
                    using (RpmsgMessage message = await Endpoint.ReceiveAsync(ct))
                    {
                        Record(message.Source, message.Span);
                    }

                    for (int i = 0; i < lag; i++)
                    {
                        await Task.Yield();
                    }
                }
            }
            catch (RpmsgEndpointClosedException ex)
            {
                ReaderEndedWith = ex.Error;
            }
        }
    }

    /// <summary>A worker's sending endpoint on bus A.</summary>
    private sealed class Sender(int id, RpmsgEndpoint endpoint)
    {
        public int Id { get; } = id;

        public RpmsgEndpoint Endpoint { get; } = endpoint;

        public int NextSequence { get; set; }
    }

    /// <summary>Binds to <see cref="DeviceName"/> devices and checks that probe and remove come once each, in that order, with the default endpoint open.</summary>
    private sealed class CheckingDriver(World world) : IRpmsgDriver
    {
        private const string Probed = "probed";
        private const string Removed = "removed";
        private readonly ConcurrentDictionary<RpmsgDevice, string> _state = new();

        public string Name => "prop-driver";

        public IReadOnlyCollection<string> IdTable { get; } = [DeviceName];

        public int Probes => _state.Count;

        public int Removes => _state.Values.Count(s => s == Removed);

        public bool WasRemoved(RpmsgDevice device) => _state.TryGetValue(device, out string? state) && state == Removed;

        public async ValueTask ProbeAsync(RpmsgDevice device, CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (device.DefaultEndpoint is not { IsClosed: false })
            {
                world.Anomaly($"probe of {device} without an open default endpoint");
            }

            if (!_state.TryAdd(device, Probed))
            {
                world.Anomaly($"probe of {device} ran twice");
            }
        }

        public async ValueTask RemoveAsync(RpmsgDevice device, CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (device.DefaultEndpoint is not { IsClosed: false })
            {
                world.Anomaly($"remove of {device} after its default endpoint closed");
            }

            if (!_state.TryUpdate(device, Removed, Probed))
            {
                world.Anomaly($"remove of {device} without a probe before it, or twice");
            }
        }
    }

    /// <summary>Both buses, everything created on them, and the record of what was sent and read.</summary>
    private sealed class World
    {
        private readonly Scenario _scenario;
        private readonly Lock _gate = new();
        private readonly List<Receiver> _receivers = [];
        private readonly List<Sender> _senders = [];
        private readonly ConcurrentDictionary<(int Sender, int Receiver), List<int>> _sent = new();
        private readonly ConcurrentQueue<string> _anomalies = new();
        private readonly CheckingDriver _driver;
        private int _nextReceiverId;
        private int _nextSenderId;
        private int _devicesAdded;
        private long _messagesRead;
        private long _sendsTaken;

        public World(Scenario scenario)
        {
            _scenario = scenario;
            _driver = new CheckingDriver(this);
            var link = new RpmsgLoopback(new RpmsgLoopbackOptions { TxQueueDepth = scenario.TxQueueDepth });

            // Room always comes back while the readers run, so the transmit timeout only detects a stall here.
            var options = new RpmsgBusOptions { TxTimeout = s_phaseGuard, ReceiveQueueCapacity = scenario.ReceiveQueueCapacity, ReceiveQueueFullTimeout = s_phaseGuard };
            A = new RpmsgBus(link.First, options, TimeProvider.System);
            B = new RpmsgBus(link.Second, options, TimeProvider.System);
        }

        public RpmsgBus A { get; }

        public RpmsgBus B { get; }

        public void CountRead() => Interlocked.Increment(ref _messagesRead);

        public void Anomaly(string description) => _anomalies.Enqueue(description);

        public async Task StartAsync(CancellationToken ct)
        {
            await B.RegisterDriverAsync(_driver, ct);
            foreach (CreateReceiver create in _scenario.InitialReceivers)
            {
                CreateStandaloneReceiver(create, ct);
            }
        }

        public async Task RunWorkerAsync(Op[] ops, Task start, CancellationToken ct)
        {
            await start;
            Sender sender = CreateSender();
            foreach (Op op in ops)
            {
                switch (op)
                {
                    case CreateReceiver create:
                        CreateStandaloneReceiver(create, ct);
                        break;
                    case DestroyReceiver destroy:
                        if (Claim(destroy.Pick, r => r.Role != ReceiverRole.DeviceDefault) is { } doomed)
                        {
                            await doomed.Endpoint.DisposeAsync();
                            Assert.True(doomed.Endpoint.IsClosed);
                        }

                        break;
                    case Send { CloseSenderMidway: false } send:
                        await SendAsync(sender, send, ct);
                        break;
                    case Send send:
                        Sender closing = sender;
                        sender = CreateSender();
                        Task sending = Task.Run(() => SendAsync(closing, send, ct), ct);
                        for (int i = 0; i < send.Count; i++)
                        {
                            await Task.Yield();
                        }

                        await closing.Endpoint.DisposeAsync();
                        await sending;
                        break;
                    case AddDevice add:
                        await AddDeviceAsync(add.ReaderLag, ct);
                        break;
                    case CreateDeviceEndpoint create:
                        CreateDeviceEndpoint(create, ct);
                        break;
                    case RemoveDevice remove:
                        if (Claim(remove.Pick, r => r.Role == ReceiverRole.DeviceDefault) is { } gone)
                        {
                            await B.RemoveDeviceAsync(gone.Device!, ct);
                            Assert.True(gone.Device!.IsRemoved);
                            Assert.True(gone.Endpoint.IsClosed);
                        }

                        break;
                    case RecycleSender:
                        Sender next = CreateSender();
                        await sender.Endpoint.DisposeAsync();
                        sender = next;
                        break;
                }
            }
        }

        /// <summary>Waits until every message bus A's transport took has arrived at bus B and was read, dropped or discarded.</summary>
        public async Task QuiesceAsync(CancellationToken ct)
        {
            using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct);
            guard.CancelAfter(s_phaseGuard);
            try
            {
                for (int polls = 0; !IsQuiet(); polls++)
                {
                    if (polls < 64)
                    {
                        await Task.Yield();
                    }
                    else
                    {
                        await Task.Delay(1, guard.Token);
                    }
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"The buses did not quiesce (hang guard): A {A.GetStatistics()}, B {B.GetStatistics()}, read {Interlocked.Read(ref _messagesRead)}.");
            }
        }

        public async Task CheckDeliveryAsync(CancellationToken ct)
        {
            Assert.Empty(_anomalies);
            RpmsgBusStatistics a = A.GetStatistics();
            RpmsgBusStatistics b = B.GetStatistics();
            Assert.Equal(Interlocked.Read(ref _sendsTaken), a.MessagesSent);
            Assert.Equal(a.MessagesSent, b.MessagesReceived);
            Assert.Equal(b.MessagesReceived - b.MessagesDropped - b.MessagesDiscarded, Interlocked.Read(ref _messagesRead));
            Assert.Equal(0, b.CallbackFailures);
            Assert.Equal(0, b.ProbeFailures);

            Dictionary<int, RpmsgAddress> senderAddresses;
            Receiver[] receivers;
            lock (_gate)
            {
                senderAddresses = _senders.ToDictionary(s => s.Id, s => s.Endpoint.Address);
                receivers = [.. _receivers];
            }

            foreach (Receiver receiver in receivers)
            {
                CheckPairs(receiver, senderAddresses);
                Assert.Equal(receiver.IsGone, receiver.Endpoint.IsClosed);
                if (receiver.IsGone && receiver.IsQueued)
                {
                    await receiver.Reader.WaitAsync(s_phaseGuard, ct);
                    Assert.Contains(Assert.NotNull(receiver.ReaderEndedWith), receiver.ExpectedEnds());
                }

                if (receiver.Role == ReceiverRole.DeviceDefault)
                {
                    Assert.Equal(receiver.Destroyed, _driver.WasRemoved(receiver.Device!));
                }
            }

            Assert.Equal(Volatile.Read(ref _devicesAdded), _driver.Probes);
        }

        public async Task DisposeAndCheckAsync(CancellationToken ct)
        {
            await DisposeBusAsync(A, "A", ct);
            await DisposeBusAsync(B, "B", ct);

            Receiver[] receivers;
            lock (_gate)
            {
                receivers = [.. _receivers];
            }

            foreach (Receiver receiver in receivers)
            {
                Assert.True(receiver.Endpoint.IsClosed);
                await receiver.Reader.WaitAsync(s_phaseGuard, ct);
                if (!receiver.IsGone && receiver.IsQueued)
                {
                    Assert.Equal(RpmsgError.BusDisposed, receiver.ReaderEndedWith);
                }
            }

            Assert.Equal(Volatile.Read(ref _devicesAdded), _driver.Removes);
            Assert.Empty(B.Devices);
            Assert.Empty(_anomalies);
        }

        /// <summary>Best-effort cleanup after a failure, so that a failed sample does not leave pumps running; the failure itself is what gets reported.</summary>
        public async Task AbandonAsync()
        {
            foreach (RpmsgBus bus in (RpmsgBus[])[A, B])
            {
                try
                {
                    await bus.DisposeAsync().AsTask().WaitAsync(s_phaseGuard);
                }
                catch (Exception ex) when (ex is TimeoutException or RpmsgException or InvalidOperationException)
                {
                    // Reported through the original failure.
                }
            }
        }

        private static async Task DisposeBusAsync(RpmsgBus bus, string name, CancellationToken ct)
        {
            try
            {
                await bus.DisposeAsync().AsTask().WaitAsync(s_phaseGuard, ct);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"DisposeAsync of bus {name} did not complete (hang guard).", ex);
            }
        }

        private bool IsQuiet()
        {
            RpmsgBusStatistics a = A.GetStatistics();
            RpmsgBusStatistics b = B.GetStatistics();
            return b.MessagesReceived == a.MessagesSent
                && Interlocked.Read(ref _messagesRead) == b.MessagesReceived - b.MessagesDropped - b.MessagesDiscarded;
        }

        private void CheckPairs(Receiver receiver, Dictionary<int, RpmsgAddress> senderAddresses)
        {
            var got = receiver.Received().GroupBy(m => m.Sender).ToDictionary(g => g.Key, g => g.ToArray());
            foreach ((int sender, (int Sender, int Sequence, RpmsgAddress Source)[] messages) in got)
            {
                Assert.True(senderAddresses.TryGetValue(sender, out RpmsgAddress address), $"{receiver} got a message from unknown sender {sender}.");
                Assert.All(messages, m => Assert.Equal(address, m.Source));
                int[] sequences = [.. messages.Select(m => m.Sequence)];
                for (int i = 1; i < sequences.Length; i++)
                {
                    Assert.True(
                        sequences[i - 1] < sequences[i],
                        $"{receiver} got sender {sender}'s messages out of order or twice: [{string.Join(", ", sequences)}].");
                }

                List<int> sent = _sent.GetValueOrDefault((sender, receiver.Id)) ?? [];
                int[] unsent = [.. sequences.Except(sent)];
                Assert.True(unsent.Length == 0, $"{receiver} got sender {sender}'s messages [{string.Join(", ", unsent)}], which were never sent successfully to it.");
            }

            if (receiver.IsGone)
            {
                return;
            }

            foreach (((int sender, int receiverId), List<int> sent) in _sent)
            {
                if (receiverId != receiver.Id)
                {
                    continue;
                }

                int[] received = got.TryGetValue(sender, out var messages) ? [.. messages.Select(m => m.Sequence)] : [];
                int[] missing = [.. sent.Except(received)];
                Assert.True(missing.Length == 0, $"{receiver} stayed open but lost sender {sender}'s messages [{string.Join(", ", missing)}].");
            }
        }

        private Sender CreateSender()
        {
            var sender = new Sender(Interlocked.Increment(ref _nextSenderId), A.CreateEndpoint(RpmsgAddress.Any));
            lock (_gate)
            {
                _senders.Add(sender);
            }

            return sender;
        }

        private void CreateStandaloneReceiver(CreateReceiver create, CancellationToken ct)
        {
            var receiver = new Receiver(Interlocked.Increment(ref _nextReceiverId), ReceiverRole.Standalone, this);
            receiver.Endpoint = B.CreateEndpoint(RpmsgAddress.Any, ReceiverOptions(receiver, create.Callback, create.Capacity));
            Publish(receiver, create.ReaderLag, ct);
        }

        private async Task AddDeviceAsync(int readerLag, CancellationToken ct)
        {
            var destination = new RpmsgAddress((uint)(100 + Interlocked.Increment(ref _devicesAdded)));
            RpmsgDevice device = await B.CreateDeviceAsync(DeviceName, RpmsgAddress.Any, destination, ct);
            Assert.Same(_driver, device.Driver);
            var receiver = new Receiver(Interlocked.Increment(ref _nextReceiverId), ReceiverRole.DeviceDefault, this)
            {
                Device = device,
                Endpoint = Assert.IsType<RpmsgEndpoint>(device.DefaultEndpoint),
            };
            Publish(receiver, readerLag, ct);
        }

        private void CreateDeviceEndpoint(CreateDeviceEndpoint create, CancellationToken ct)
        {
            Receiver owner;
            lock (_gate)
            {
                Receiver[] devices = [.. _receivers.Where(r => r.Role == ReceiverRole.DeviceDefault)];
                if (devices.Length == 0)
                {
                    return;
                }

                owner = devices[create.Pick % devices.Length];
            }

            var receiver = new Receiver(Interlocked.Increment(ref _nextReceiverId), ReceiverRole.DeviceExtra, this) { Device = owner.Device, Owner = owner };
            try
            {
                receiver.Endpoint = owner.Device!.CreateEndpoint(RpmsgAddress.Any, ReceiverOptions(receiver, create.Callback, capacity: null));
            }
            catch (RpmsgEndpointClosedException ex)
            {
                // Only a device whose removal a worker already started may refuse new endpoints.
                Assert.Equal(RpmsgError.DeviceRemoved, ex.Error);
                Assert.True(owner.Destroyed, $"{owner.Device} refused an endpoint, but nobody removed it.");
                return;
            }

            Publish(receiver, create.ReaderLag, ct);
        }

        private static RpmsgEndpointOptions ReceiverOptions(Receiver receiver, bool callback, int? capacity) => callback
            ? new RpmsgEndpointOptions { Callback = (_, payload, source) => receiver.Record(source, payload) }
            : new RpmsgEndpointOptions { ReceiveQueueCapacity = capacity };

        private void Publish(Receiver receiver, int readerLag, CancellationToken ct)
        {
            if (receiver.IsQueued)
            {
                receiver.StartReader(readerLag, ct);
            }

            lock (_gate)
            {
                _receivers.Add(receiver);
            }
        }

        /// <summary>Picks an open receiver that matches and marks it destroyed, so that exactly one worker tears it down.</summary>
        private Receiver? Claim(int pick, Func<Receiver, bool> match)
        {
            lock (_gate)
            {
                Receiver[] candidates = [.. _receivers.Where(r => !r.Destroyed && match(r))];
                if (candidates.Length == 0)
                {
                    return null;
                }

                Receiver chosen = candidates[pick % candidates.Length];
                chosen.Destroyed = true;
                return chosen;
            }
        }

        private async Task SendAsync(Sender sender, Send send, CancellationToken ct)
        {
            Receiver target;
            lock (_gate)
            {
                if (_receivers.Count == 0)
                {
                    return;
                }

                // Closed receivers stay targets: their messages must be dropped or discarded, never delivered elsewhere.
                target = _receivers[send.Pick % _receivers.Count];
            }

            // Only one thread sends as a given sender, so only it appends to this pair's log; the checks read it after the workers end.
            List<int> log = _sent.GetOrAdd((sender.Id, target.Id), _ => []);
            for (int i = 0; i < send.Count; i++)
            {
                int sequence = sender.NextSequence++;
                byte[] payload = new byte[PayloadLength];
                BinaryPrimitives.WriteInt32LittleEndian(payload, sender.Id);
                BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(4), sequence);
                BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(8), target.Id);
                try
                {
                    if (send.TryFirst && i % 2 == 0)
                    {
                        if (!sender.Endpoint.TrySendTo(target.Endpoint.Address, payload))
                        {
                            continue;
                        }
                    }
                    else
                    {
                        await sender.Endpoint.SendToAsync(target.Endpoint.Address, payload, ct);
                    }
                }
                catch (RpmsgEndpointClosedException ex) when (ex.Error == RpmsgError.EndpointClosed && sender.Endpoint.IsClosed)
                {
                    // The only failure allowed: the sender itself was closed (a Send with CloseSenderMidway does that).
                    continue;
                }

                log.Add(sequence);
                Interlocked.Increment(ref _sendsTaken);
            }
        }
    }
}
