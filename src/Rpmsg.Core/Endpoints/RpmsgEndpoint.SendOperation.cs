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
    /// <remarks>
    /// A concurrent second send on the endpoint falls back to the async method. With a caller's token, the transport gets
    /// the operation's own reusable source, cancelled through registrations on the caller's token and on the endpoint's
    /// close token (whose nodes their sources reuse), instead of a linked source per send.
    /// </remarks>
    internal sealed class SendOperation : IValueTaskSource
    {
        private static readonly Action<object?> s_cancel = static source => ((CancellationTokenSource)source!).Cancel();
        private readonly RpmsgEndpoint _owner;
        private readonly Action _onSendCompleted;
        private ManualResetValueTaskSourceCore<bool> _core;
        private ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter _send;
        private Action? _onSuccess;
        private CancellationTokenSource? _linked;
        private CancellationToken _callerToken;
        private CancellationTokenRegistration _callerLink;
        private CancellationTokenRegistration _closeLink;

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

        /// <summary>
        /// Links the caller's cancelable <paramref name="cancellationToken"/> and the endpoint's close to the operation's own
        /// source, and returns its token for the transport; call <see cref="Start"/> next, with the transport's send.
        /// </summary>
        public CancellationToken Link(CancellationToken cancellationToken)
        {
            CancellationTokenSource linked = _linked ??= new CancellationTokenSource();
            _callerToken = cancellationToken;
            _callerLink = cancellationToken.UnsafeRegister(s_cancel, linked);
            _closeLink = _owner.ClosedToken.UnsafeRegister(s_cancel, linked);
            return linked.Token;
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
            CancellationToken callerToken = _callerToken;
            _send = default;
            _onSuccess = null;
            Exception? failure = null;
            try
            {
                send.GetResult();
                onSuccess?.Invoke();
            }
            catch (OperationCanceledException) when (callerToken.IsCancellationRequested)
            {
                // The caller sees its own token, never the operation's source.
                failure = new OperationCanceledException(callerToken);
            }
            catch (OperationCanceledException) when (_owner.IsClosed)
            {
                // The endpoint's close: the caller sees why the endpoint closed.
                failure = new RpmsgEndpointClosedException(_owner.CloseReason, _owner.Address);
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            ReleaseLinked();
            if (failure is null)
            {
                _core.SetResult(true);
            }
            else
            {
                _core.SetException(failure);
            }
        }

        /// <summary>Ends the registrations of a send with a caller's token, and resets the source for the next (a fired one is replaced).</summary>
        private void ReleaseLinked()
        {
            if (_linked is null || !_callerToken.CanBeCanceled)
            {
                return;
            }

            // Dispose waits for a cancellation running now on another thread, so the reset below cannot be undone by it.
            _callerLink.Dispose();
            _closeLink.Dispose();
            _callerLink = default;
            _closeLink = default;
            _callerToken = default;
            if (!_linked.TryReset())
            {
                _linked.Dispose();
                _linked = null;
            }
        }
    }
}
