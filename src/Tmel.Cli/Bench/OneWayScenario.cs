using Rpmsg.Core;

namespace Tmel.Cli.Bench;

/// <summary>Messages one way: the client sends with the waiting send to a callback endpoint that counts them; a batch ends when all were counted.</summary>
internal sealed class OneWayScenario(BenchTransport transport, int payloadSize) : BenchScenario
{
    private readonly byte[] _payload = new byte[payloadSize];
    private BenchBusPair? _pair;
    private RpmsgEndpoint? _client;
    private RpmsgEndpoint? _service;
    private TaskCompletionSource _batchDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _remaining;

    public override string Name => $"{transport.ToString().ToLowerInvariant()} one way";

    public override BenchTransport Transport => transport;

    public override int PayloadSize => _payload.Length;

    public override async Task SetupAsync(CancellationToken cancellationToken)
    {
        _pair = await BenchBusPair.CreateAsync(transport, cancellationToken).ConfigureAwait(false);
        _service = _pair.Service.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { Callback = (_, _, _) => Count() });
        _client = _pair.Client.CreateEndpoint(RpmsgAddress.Any);
    }

    public override async Task RunAsync(int operations, CancellationToken cancellationToken)
    {
        _batchDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, operations);
        RpmsgEndpoint client = _client!;
        RpmsgAddress service = _service!.Address;
        for (int i = 0; i < operations; i++)
        {
            await client.SendToAsync(service, _payload, CancellationToken.None).ConfigureAwait(false);
        }

        await _batchDone.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        if (_service is not null)
        {
            await _service.DisposeAsync().ConfigureAwait(false);
        }

        if (_pair is not null)
        {
            await _pair.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Count()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _batchDone.TrySetResult();
        }
    }
}
