using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>The rpmsg transport over a QMP link: one message in flight, up to 6144 bytes, addresses up to 0xFFFE.</summary>
/// <remarks>
/// <para><see cref="SendAsync"/> completes when the peer consumed the message (flipped rx_done): a completed send was
/// delivered exactly once. <see cref="TrySend"/> hands the message over when no other message is in flight and returns at
/// once, like Linux's <c>rpmsg_trysend</c>; its delivery is not confirmed to the caller, and a failure after the hand-over
/// is logged and counted in <see cref="UnconfirmedSendFailures"/>.</para>
/// <para>The transport owns its link and disposes it.</para>
/// </remarks>
public sealed partial class QmpRpmsgTransport : IRpmsgTransport
{
    private readonly QmpLink _link;
    private readonly ILogger _logger;
    private IRpmsgTransportHandler? _handler;
    private long _unconfirmedSendFailures;

    /// <summary>Creates the transport over an unstarted link.</summary>
    /// <param name="link">The link; the transport starts it in <see cref="Start"/> and disposes it.</param>
    /// <param name="loggerFactory">Where the transport logs; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="link"/> is <see langword="null"/>.</exception>
    public QmpRpmsgTransport(QmpLink link, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(link);
        _link = link;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<QmpRpmsgTransport>();
        _link.HandedOverSendFailed = OnHandedOverSendFailed;
    }

    /// <summary>Gets the link below the transport.</summary>
    public QmpLink Link => _link;

    /// <inheritdoc/>
    public int Mtu => QmpMailboxLayout.MaxMessageSize;

    /// <inheritdoc/>
    public RpmsgAddress MaxAddress => QmpAddressWord.MaxAddress;

    /// <inheritdoc/>
    public bool IsLinkUp => _link.IsChannelConnected;

    /// <summary>Gets how many messages handed over by <see cref="TrySend"/> failed afterwards (the link went down before the peer consumed them).</summary>
    public long UnconfirmedSendFailures => Interlocked.Read(ref _unconfirmedSendFailures);

    /// <inheritdoc/>
    public void Start(IRpmsgTransportHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("The transport was already started.");
        }

        _link.Start(new LinkHandler(handler));
    }

    /// <inheritdoc/>
    public bool TrySend(RpmsgAddress source, RpmsgAddress destination, ReadOnlySpan<byte> payload)
    {
        Validate(source, destination, payload.Length);
        if (!_link.IsChannelConnected)
        {
            throw new RpmsgException(RpmsgError.LinkDown, "The QMP channel is not open; the message was not sent.");
        }

        if (!_link.TryEnterSend())
        {
            return false;
        }

        // Copied into the link's own send buffer and handed to its actor: no task, no rented array per message.
        _link.TrySendHandedOver(payload, QmpAddressWord.Encode(source, destination));
        return true;
    }

    /// <inheritdoc/>
    public ValueTask SendAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Validate(source, destination, payload.Length);
        ValueTask sending = _link.SendAsync(payload, QmpAddressWord.Encode(source, destination), timeout, cancellationToken);
        if (sending.IsCompletedSuccessfully)
        {
            sending.GetAwaiter().GetResult();
            return default;
        }

        return MapLinkFailureAsync(sending);
    }

    /// <summary>The transport seam: a <see cref="QmpLinkException"/> of a send becomes the Rpmsg.Core exception a bus user handles.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask MapLinkFailureAsync(ValueTask sending)
    {
        try
        {
            await sending.ConfigureAwait(false);
        }
        catch (QmpLinkException ex) when (ex.Reason == QmpLinkFailure.ConsumeTimeout)
        {
            throw new RpmsgTimeoutException(RpmsgError.DeliveryUnconfirmed, _link.ConsumeTimeout, ex.Message);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _link.DisposeAsync().ConfigureAwait(false);
    }

    private void OnHandedOverSendFailed(int length, RpmsgException failure)
    {
        Interlocked.Increment(ref _unconfirmedSendFailures);
        Log.HandedOverSendFailed(_logger, length, failure);
    }

    private static void Validate(RpmsgAddress source, RpmsgAddress destination, int length, string paramName = "payload")
    {
        if (length > QmpMailboxLayout.MaxMessageSize)
        {
            throw new ArgumentOutOfRangeException(paramName, length, $"The payload is {length} bytes; QMP carries at most {QmpMailboxLayout.MaxMessageSize}.");
        }

        if (source.Value > QmpAddressWord.MaxAddress)
        {
            throw new ArgumentOutOfRangeException(nameof(source), source.Value, $"Address {source} is above 0xFFFE, the highest address on a QMP bus.");
        }

        if (destination.Value > QmpAddressWord.MaxAddress)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), destination.Value, $"Address {destination} is above 0xFFFE, the highest address on a QMP bus.");
        }
    }

    /// <summary>Turns the link's messages and channel changes into rpmsg frames and link-state changes.</summary>
    private sealed class LinkHandler(IRpmsgTransportHandler handler) : IQmpLinkHandler
    {
        public ValueTask OnMessageAsync(uint reservedWord, ReadOnlyMemory<byte> message, ActivityContext senderContext, CancellationToken cancellationToken)
        {
            (RpmsgAddress source, RpmsgAddress destination) = QmpAddressWord.Decode(reservedWord);
            return handler.OnReceiveAsync(source, destination, message, senderContext, cancellationToken);
        }

        public ValueTask OnChannelStateChangedAsync(bool connected, CancellationToken cancellationToken) =>
            handler.OnLinkStateChangedAsync(connected, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(2200, LogLevel.Warning, "A {Length}-byte message handed over by TrySend was not confirmed: the link went down first.")]
        public static partial void HandedOverSendFailed(ILogger logger, int length, Exception exception);
    }
}
