using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Rpmsg.Core;

public sealed partial class RpmsgEndpoint
{
    private SendOperation? _sendOperation;

    /// <summary>Takes the endpoint's reusable send wait, or <see langword="null"/> while another send on it is waiting.</summary>
    internal SendOperation? RentSendOperation() => Interlocked.Exchange(ref _sendOperation, null);

    /// <summary>Gets a value indicating whether the reusable send wait is free (no send waits on it).</summary>
    internal bool IsSendOperationIdle => Volatile.Read(ref _sendOperation) is not null;

    /// <summary>
    /// A reusable wait for one transport send that did not complete at once: one per endpoint, so a waiting send allocates
    /// nothing (a pooled async box is rented on one thread and often returned on another, which defeats its per-thread cache).
    /// </summary>
    /// <remarks>Only the no-token path uses it; a concurrent second send on the endpoint falls back to the async method.</remarks>
    internal sealed class SendOperation : IValueTaskSource
    {
        private readonly RpmsgEndpoint _owner;
        private readonly Action _onSendCompleted;
        private ManualResetValueTaskSourceCore<bool> _core;
        private ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter _send;
        private Action? _onSuccess;

        public SendOperation(RpmsgEndpoint owner)
        {
            _owner = owner;
            _onSendCompleted = OnSendCompleted;
        }

        /// <summary>Waits for <paramref name="send"/>; <paramref name="onSuccess"/> runs once it succeeded.</summary>
        public ValueTask Start(ValueTask send, Action onSuccess)
        {
            short version = _core.Version;
            _onSuccess = onSuccess;
            _send = send.ConfigureAwait(false).GetAwaiter();
            if (_send.IsCompleted)
            {
                OnSendCompleted();
            }
            else
            {
                _send.UnsafeOnCompleted(_onSendCompleted);
            }

            return new ValueTask(this, version);
        }

        public void GetResult(short token)
        {
            try
            {
                _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
                Volatile.Write(ref _owner._sendOperation, this);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        private void OnSendCompleted()
        {
            ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter send = _send;
            Action? onSuccess = _onSuccess;
            _send = default;
            _onSuccess = null;
            try
            {
                send.GetResult();
                onSuccess?.Invoke();
                _core.SetResult(true);
            }
            catch (OperationCanceledException) when (_owner.IsClosed)
            {
                // The only token on this path is the endpoint's close token: the caller sees why the endpoint closed.
                _core.SetException(new RpmsgEndpointClosedException(_owner.CloseReason, _owner.Address));
            }
            catch (Exception ex)
            {
                _core.SetException(ex);
            }
        }
    }
}
