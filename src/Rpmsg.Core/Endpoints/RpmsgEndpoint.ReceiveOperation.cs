using System.Runtime.CompilerServices;
using System.Threading.Channels;
using System.Threading.Tasks.Sources;

namespace Rpmsg.Core;

public sealed partial class RpmsgEndpoint
{
    /// <summary>A reusable wait for one queued message: one per endpoint, so a waiting receive allocates nothing.</summary>
    private sealed class ReceiveOperation : IValueTaskSource<RpmsgMessage>
    {
        private readonly RpmsgEndpoint _owner;
        private readonly Action _onReadCompleted;
        private ManualResetValueTaskSourceCore<RpmsgMessage> _core;
        private ConfiguredValueTaskAwaitable<RpmsgMessage>.ConfiguredValueTaskAwaiter _read;

        public ReceiveOperation(RpmsgEndpoint owner)
        {
            _owner = owner;
            _onReadCompleted = OnReadCompleted;
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

        public RpmsgMessage GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
                Volatile.Write(ref _owner._receiveOperation, this);
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
    }
}
