using System.Runtime.CompilerServices;
using System.Threading.Channels;
using System.Threading.Tasks.Sources;

namespace Rpmsg.Core;

public sealed partial class RpmsgEndpoint
{
    /// <summary>A reusable wait for one queued message: one per endpoint, so a waiting receive allocates nothing, with or without a token.</summary>
    /// <remarks>
    /// <para>Without a token it waits on the channel's own reusable read. With a cancelable token the channel would allocate a
    /// cancelable read per call, so it waits for data instead (<see cref="ChannelReader{T}.WaitToReadAsync"/> without a token,
    /// also reusable) and takes the message with <see cref="ChannelReader{T}.TryRead"/>, while a registration on the token (whose
    /// node the token's source reuses) cancels the wait. Waiting for data never takes a message, so a cancelled wait loses none.</para>
    /// <para>A cancelled operation is not reused: its wait for data is still pending in the channel, so the endpoint gets a
    /// fresh operation (the cancel path may allocate).</para>
    /// </remarks>
    private sealed class ReceiveOperation : IValueTaskSource<RpmsgMessage>
    {
        private const int Idle = 0;
        private const int Waiting = 1;
        private const int Done = 2;
        private const int Cancelled = 3;

        private static readonly Action<object?> s_onCancelled = static state => ((ReceiveOperation)state!).OnCancelled();

        private readonly RpmsgEndpoint _owner;
        private readonly Action _onReadCompleted;
        private readonly Action _onWaitCompleted;
        private readonly Lock _lock = new();
        private ManualResetValueTaskSourceCore<RpmsgMessage> _core;
        private ConfiguredValueTaskAwaitable<RpmsgMessage>.ConfiguredValueTaskAwaiter _read;
        private ConfiguredValueTaskAwaitable<bool>.ConfiguredValueTaskAwaiter _wait;
        private ChannelReader<RpmsgMessage>? _reader;
        private CancellationToken _token;
        private CancellationTokenRegistration _registration;
        private int _state; // guarded by _lock on the cancelable path

        public ReceiveOperation(RpmsgEndpoint owner)
        {
            _owner = owner;
            _onReadCompleted = OnReadCompleted;
            _onWaitCompleted = OnWaitCompleted;
        }

        public ValueTask<RpmsgMessage> Start(ValueTask<RpmsgMessage> read)
        {
            short version = _core.Version;
            _read = read.ConfigureAwait(false).GetAwaiter();
            if (_read.IsCompleted)
            {
                OnReadCompleted();
            }
            else
            {
                _read.UnsafeOnCompleted(_onReadCompleted);
            }

            return new ValueTask<RpmsgMessage>(this, version);
        }

        /// <summary>Waits for the next message on <paramref name="reader"/> until <paramref name="cancellationToken"/> (cancelable) is cancelled.</summary>
        public ValueTask<RpmsgMessage> StartCancelable(ChannelReader<RpmsgMessage> reader, CancellationToken cancellationToken)
        {
            short version = _core.Version;
            _reader = reader;
            _token = cancellationToken;
            _state = Waiting;
            _registration = cancellationToken.UnsafeRegister(s_onCancelled, this);
            WaitForMessage();
            return new ValueTask<RpmsgMessage>(this, version);
        }

        public RpmsgMessage GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                if (_state == Cancelled)
                {
                    // Its wait for data may still be pending in the channel (and will find the operation cancelled): retire it.
                    Volatile.Write(ref _owner._receiveOperation, new ReceiveOperation(_owner));
                }
                else
                {
                    _state = Idle;
                    _reader = null;
                    _token = default;
                    _registration = default;
                    _core.Reset();
                    Volatile.Write(ref _owner._receiveOperation, this);
                }
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        private void OnReadCompleted()
        {
            ConfiguredValueTaskAwaitable<RpmsgMessage>.ConfiguredValueTaskAwaiter read = _read;
            _read = default;
            try
            {
                _core.SetResult(read.GetResult());
            }
            catch (ChannelClosedException)
            {
                _core.SetException(new RpmsgEndpointClosedException(_owner.CloseReason, _owner.Address));
            }
            catch (Exception ex)
            {
                _core.SetException(ex);
            }
        }

        /// <summary>Takes a queued message, or waits for one; returns when the operation completed or a wait is pending.</summary>
        private void WaitForMessage()
        {
            while (true)
            {
                RpmsgMessage? message;
                ChannelReader<RpmsgMessage> reader;
                lock (_lock)
                {
                    if (_state != Waiting)
                    {
                        return;
                    }

                    reader = _reader!;
                    if (reader.TryRead(out message))
                    {
                        _state = Done;
                    }
                }

                if (message is not null)
                {
                    _registration.Unregister();
                    _core.SetResult(message);
                    return;
                }

                ConfiguredValueTaskAwaitable<bool>.ConfiguredValueTaskAwaiter wait = AwaiterOf(reader.WaitToReadAsync(CancellationToken.None));
                if (!wait.IsCompleted)
                {
                    _wait = wait;
                    _wait.UnsafeOnCompleted(_onWaitCompleted);
                    return;
                }

                if (!TakeWaitResult(wait))
                {
                    return;
                }
            }
        }

        private static ConfiguredValueTaskAwaitable<bool>.ConfiguredValueTaskAwaiter AwaiterOf(ValueTask<bool> wait) => wait.ConfigureAwait(false).GetAwaiter();

        private void OnWaitCompleted()
        {
            ConfiguredValueTaskAwaitable<bool>.ConfiguredValueTaskAwaiter wait = _wait;
            _wait = default;
            if (TakeWaitResult(wait))
            {
                WaitForMessage();
            }
        }

        /// <summary>Consumes a finished wait for data: <see langword="true"/> to look again; <see langword="false"/> when the channel closed (the operation then failed, unless it was already cancelled).</summary>
        private bool TakeWaitResult(ConfiguredValueTaskAwaitable<bool>.ConfiguredValueTaskAwaiter wait)
        {
            Exception? failure;
            try
            {
                if (wait.GetResult())
                {
                    return true;
                }

                failure = new RpmsgEndpointClosedException(_owner.CloseReason, _owner.Address);
            }
            catch (ChannelClosedException)
            {
                failure = new RpmsgEndpointClosedException(_owner.CloseReason, _owner.Address);
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            lock (_lock)
            {
                if (_state != Waiting)
                {
                    return false;
                }

                _state = Done;
            }

            _registration.Unregister();
            _core.SetException(failure);
            return false;
        }

        private void OnCancelled()
        {
            lock (_lock)
            {
                if (_state != Waiting)
                {
                    return;
                }

                _state = Cancelled;
            }

            // Never run the caller's continuation inside the canceller's Cancel().
            _core.RunContinuationsAsynchronously = true;
            _core.SetException(new OperationCanceledException(_token));
        }
    }
}
