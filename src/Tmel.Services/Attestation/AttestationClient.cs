using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.Internal;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Attestation;

/// <summary>
/// The typed client of TME-L's attestation service (QWES) on one rpmsg device (<see cref="AttestationDriver.ChannelName"/>)
/// or at rpmsg address 0 (<see cref="TmelcomAddressZeroClient.Attestation"/>): the attestation public key
/// (INIT_ATTESTATION) and tokens over a caller's nonce (DEVICE_ATTESTATION). docs/attestation.md.
/// </summary>
/// <remarks>
/// <para>
/// Requests run on the same request lane as the other typed clients (docs/late-replies.md): one at a time per client, an
/// abandoned request's shared-memory buffers held until TME-L can no longer write into them, so a late reply never
/// answers a later request. Check a token with <see cref="AttestationTokenVerifier"/>.
/// </para>
/// <para>Members are virtual, and a protected constructor exists, so that application code can be tested with a fake.</para>
/// </remarks>
public partial class AttestationClient
{
    /// <summary>The buffer size the client offers for the public key and for a token (Linux's 2048 bytes).</summary>
    public const int DefaultBufferLength = QwesDeviceAttestationMessage.LinuxBufferLength;

    private readonly RequestLane _lane = null!;
    private readonly IRpmsgSharedMemory _memory = null!;
    private readonly ILogger _logger = null!;

    internal AttestationClient(RpmsgDevice? device, RequestLane lane, IRpmsgSharedMemory memory, ILogger logger)
    {
        Device = device;
        _lane = lane;
        _memory = memory;
        _logger = logger;
    }

    internal RequestLane Lane => _lane;

    /// <summary>Initializes a client that is not bound to a device, for test doubles.</summary>
    protected AttestationClient()
    {
    }

    /// <summary>Gets the rpmsg device the client talks to; <see langword="null"/> at address 0.</summary>
    public virtual RpmsgDevice? Device { get; }

    /// <summary>Gets the attestation public key and its certificate chain: QWES INIT_ATTESTATION (inline) with a shared-memory output buffer.</summary>
    /// <param name="bufferLength">The output buffer's capacity; the chain comes along only when it fits (2048 bytes do; Linux's 128 carry the key alone).</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>The key, and the chain when it fitted.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bufferLength"/> is not 1..4096.</exception>
    /// <exception cref="TmelServiceException">TME-L refused, for example <see cref="TmelStatus.BadParameter"/> when even the key does not fit.</exception>
    /// <exception cref="RpmsgSharedMemoryException">The shared memory has no room for the buffer.</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout, or no transmit room.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed reply or key.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task<AttestationPublicKey> GetPublicKeyAsync(int bufferLength = DefaultBufferLength, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bufferLength, 4096);
        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        var buffers = new RequestBuffers(_memory);
        try
        {
            IRpmsgSharedBuffer output = buffers.Allocate(bufferLength);
            byte[] message = new byte[QwesInitAttestationMessage.MessageSize];
            QwesInitAttestationMessage.Encode(QwesInitAttestationMessage.CreateRequest(new TmelcomBuffer(output.BusAddress, (uint)bufferLength)), message);
            byte[] answer = await InlineExchange.ExchangeAsync(turn, QwesInitAttestationMessage.Uid, message, buffers, cancellationToken).ConfigureAwait(false);
            QwesInitAttestationMessage reply = QwesInitAttestationMessage.Decode(answer);
            InlineExchange.ThrowIfFailed(QwesInitAttestationMessage.Uid, reply.Status);
            InlineExchange.CheckUsed(QwesInitAttestationMessage.Uid, reply.OutLength, bufferLength);
            byte[] encoded = new byte[reply.OutLength];
            output.Read(0, encoded);
            AttestationPublicKey key = AttestationPublicKey.Decode(encoded);
            Log.PublicKey(_logger, encoded.Length, key.Certificates.Count);
            return key;
        }
        finally
        {
            buffers.Release();
        }
    }

    /// <summary>Gets an attestation token over <paramref name="nonce"/>: QWES DEVICE_ATTESTATION (SRAM path).</summary>
    /// <param name="nonce">The challenge, 32, 48 or 64 bytes; sent as the CBOR request <c>{10: nonce}</c>.</param>
    /// <param name="extraClaims">A CBOR map of the caller's own claims, embedded in the token under <see cref="AttestationClaimKeys.ExtraClaims"/>; empty for none (the buffer address is then 0).</param>
    /// <param name="cancellationToken">Ends the wait for the request slot, for transmit room or for the answer.</param>
    /// <returns>The token: a tagged COSE_Sign1 (ES384) over the PSA claims.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nonce"/> is not 32, 48 or 64 bytes, or <paramref name="extraClaims"/> exceeds 2048 bytes.</exception>
    /// <exception cref="TmelServiceException">TME-L refused, for example <see cref="TmelStatus.BadMessage"/> for extra claims that are not a CBOR map.</exception>
    /// <exception cref="RpmsgSharedMemoryException">The shared memory has no room for the buffers.</exception>
    /// <exception cref="RpmsgTimeoutException">No answer within the response timeout, or no transmit room.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgProtocolException">The answer was not a well-formed reply.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public virtual async Task<byte[]> AttestAsync(ReadOnlyMemory<byte> nonce, ReadOnlyMemory<byte> extraClaims = default, CancellationToken cancellationToken = default)
    {
        byte[] request = AttestationRequestFormat.Encode(nonce.Span);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(extraClaims.Length, 2048, nameof(extraClaims));
        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        var buffers = new RequestBuffers(_memory);
        try
        {
            IRpmsgSharedBuffer requestBuffer = buffers.Allocate(request.Length);
            requestBuffer.Write(0, request);
            var claims = new TmelcomBuffer(0, 0);
            if (!extraClaims.IsEmpty)
            {
                IRpmsgSharedBuffer claimsBuffer = buffers.Allocate(extraClaims.Length);
                claimsBuffer.Write(0, extraClaims.Span);
                claims = new TmelcomBuffer(claimsBuffer.BusAddress, (uint)extraClaims.Length);
            }

            IRpmsgSharedBuffer output = buffers.Allocate(DefaultBufferLength);
            IRpmsgSharedBuffer message = buffers.Allocate(QwesDeviceAttestationMessage.MessageSize);
            byte[] bytes = new byte[QwesDeviceAttestationMessage.MessageSize];
            QwesDeviceAttestationMessage.Encode(
                QwesDeviceAttestationMessage.CreateRequest(new TmelcomBuffer(requestBuffer.BusAddress, (uint)request.Length), claims, new TmelcomBuffer(output.BusAddress, DefaultBufferLength)),
                bytes);
            message.Write(0, bytes);

            TmelcomPacket reply = await TmelcomExchange.ExchangeAsync(
                turn,
                TmelcomPacket.CreateSram(QwesDeviceAttestationMessage.Uid, message.BusAddress, QwesDeviceAttestationMessage.MessageSize),
                buffers,
                cancellationToken).ConfigureAwait(false);
            reply.ThrowIfFailed();
            if (reply.IpcType != TmelcomIpcType.Sram)
            {
                throw new RpmsgProtocolException($"The DEVICE_ATTESTATION reply is not a pointer packet: {reply}.");
            }

            message.Read(0, bytes);
            QwesDeviceAttestationMessage answer = QwesDeviceAttestationMessage.Decode(bytes);
            InlineExchange.ThrowIfFailed(QwesDeviceAttestationMessage.Uid, answer.Status);
            InlineExchange.CheckUsed(QwesDeviceAttestationMessage.Uid, answer.OutLength, DefaultBufferLength);
            byte[] token = new byte[answer.OutLength];
            output.Read(0, token);
            Log.Attested(_logger, token.Length);
            return token;
        }
        finally
        {
            buffers.Release();
        }
    }

    /// <summary>Event ids 3300-3349: the attestation client.</summary>
    private static partial class Log
    {
        [LoggerMessage(3300, LogLevel.Debug, "INIT_ATTESTATION: {Length} bytes of public key, {Certificates} certificates.")]
        public static partial void PublicKey(ILogger logger, int length, int certificates);

        [LoggerMessage(3301, LogLevel.Debug, "DEVICE_ATTESTATION: a {Length}-byte token.")]
        public static partial void Attested(ILogger logger, int length);
    }
}
