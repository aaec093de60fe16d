using System.Security.Cryptography;
using Rpmsg.Core;
using Tmel.Services.Internal;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Crypto;

/// <summary>
/// The typed client of TME-L's key management (KM) and host crypto services (HCS): one method per operation, keys named
/// by <see cref="TmeKeyHandle"/>, their secrets never leaving TME-L.
/// </summary>
/// <remarks>
/// Each call writes its struct and its data into shared memory, sends one SRAM packet and reads the struct back; requests
/// on one channel go one at a time (§5.3 rule 12) through the request lane, so a late reply never answers a later request
/// (docs/late-replies.md). A <c>status</c> other than SUCCESS throws <see cref="TmeCryptoException"/>; a non-zero header
/// <c>response</c> throws <see cref="TmelServiceException"/>.
/// </remarks>
public sealed class CryptoClient
{
    private const int MaxDigestLength = 64;
    private const int MaxSignatureLength = 160;
    private const int MaxPublicKeyLength = 2 * 66;
    private const int MaxWrappedKeyLength = 100;

    /// <summary><c>TME_KSC_SWContext</c> (§4.5): the KDF context includes <c>sw_context</c>.</summary>
    private const uint SecurityContextSoftware = 0x20;

    private readonly RequestLane _lane;
    private readonly IRpmsgSharedMemory _memory;

    internal CryptoClient(RpmsgDevice? device, RequestLane lane, IRpmsgSharedMemory memory)
    {
        Device = device;
        _lane = lane;
        _memory = memory;
    }

    /// <summary>Gets the channel the client is bound to.</summary>
    public RpmsgDevice? Device { get; }

    /// <summary>KM_GENERATE: TME-L generates a key under <paramref name="policy"/>.</summary>
    /// <param name="policy">The new key's policy.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new key's handle.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused (for example NOT_IMPLEMENTED for an RSA policy).</exception>
    public Task<TmeKeyHandle> GenerateKeyAsync(TmeKeyPolicy policy, CancellationToken cancellationToken = default) =>
        CallAsync(
            TmelcomUid.KmGenerate,
            _ => new KmGenerateMessage(TmeCryptoIds.KeyIdAllocate, policy, 0, 0, 0, default),
            m => new TmeKeyHandle(m.ResultKeyId),
            cancellationToken);

    /// <summary>KM_GENERATE with a policy from a <see cref="TmeKeyPolicyBuilder"/>.</summary>
    /// <param name="policy">The new key's policy; <see cref="TmeKeyPolicyBuilder.Build"/> is called.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new key's handle.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The builder's choices do not fit together.</exception>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public Task<TmeKeyHandle> GenerateKeyAsync(TmeKeyPolicyBuilder policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return GenerateKeyAsync(policy.Build(), cancellationToken);
    }

    /// <summary>KM_IMPORT with a policy from a <see cref="TmeKeyPolicyBuilder"/>.</summary>
    /// <param name="policy">The key's policy; <see cref="TmeKeyPolicyBuilder.Build"/> is called.</param>
    /// <param name="key">The key bytes (at most 68, most significant byte first).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new key's handle.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The builder's choices do not fit together.</exception>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public Task<TmeKeyHandle> ImportKeyAsync(TmeKeyPolicyBuilder policy, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return ImportKeyAsync(policy.Build(), key, cancellationToken);
    }

    /// <summary>
    /// KM_DERIVE with the KDF spec every client sends (NIST SP 800-108, HMAC-SHA-256 PRF): a key under <paramref name="policy"/>
    /// derived from <paramref name="inputKey"/> with <paramref name="context"/> (<c>sw_context</c>, security-context bit SWContext) and <paramref name="label"/>.
    /// </summary>
    /// <param name="inputKey">A key-derivation key's handle, or a fuse key id (9 CRBK, 0xC OEM product seed).</param>
    /// <param name="policy">The derived key's policy (symmetric); <see cref="TmeKeyPolicyBuilder.Build"/> is called.</param>
    /// <param name="context">The software context, at most 128 bytes; empty for none.</param>
    /// <param name="label">The label, at most 64 bytes; empty for none.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The derived key's handle.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="context"/> or <paramref name="label"/> is longer than its field.</exception>
    /// <exception cref="InvalidOperationException">The builder's choices do not fit together.</exception>
    /// <exception cref="TmeCryptoException">TME-L refused (an input key that is no derivation key is INVALID_INPUT).</exception>
    public Task<TmeKeyHandle> DeriveKeyAsync(TmeKeyHandle inputKey, TmeKeyPolicyBuilder policy, ReadOnlyMemory<byte> context = default, ReadOnlyMemory<byte> label = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(context.Length, TmeKdfSpec.MaxSoftwareContextLength, nameof(context));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(label.Length, TmeKdfSpec.MaxSaltLabelLength, nameof(label));
        return DeriveKeyAsync(
            new TmeKdfSpec
            {
                KdfAlgorithm = TmeCryptoIds.KdfNist,
                InputKey = inputKey.Value,
                Policy = policy.Build(),
                SoftwareContext = context,
                SecurityContext = context.IsEmpty ? 0u : SecurityContextSoftware,
                SaltLabel = label,
                PrfDigestAlgorithm = TmeCryptoIds.PrfSha256Hmac,
            },
            cancellationToken);
    }

    /// <summary>KM_IMPORT: hands TME-L a plaintext key (at most 68 bytes, most significant byte first).</summary>
    /// <param name="policy">The key's policy.</param>
    /// <param name="key">The key bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new key's handle.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public Task<TmeKeyHandle> ImportKeyAsync(TmeKeyPolicy policy, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(key.Length, nameof(key));
        return CallAsync(
            TmelcomUid.KmImport,
            b => new KmImportMessage(TmeCryptoIds.KeyIdAllocate, policy, In(b, key.Span), 0, 0, 0, default),
            m => new TmeKeyHandle(m.ResultKeyId),
            cancellationToken);
    }

    /// <summary>KM_CLEAR: deletes a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when TME-L deleted the key.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused (an unknown handle).</exception>
    public Task ClearKeyAsync(TmeKeyHandle key, CancellationToken cancellationToken = default) =>
        CallAsync(TmelcomUid.KmClear, _ => new KmClearMessage(key.Value, 0, default), _ => true, cancellationToken);

    /// <summary>KM_DERIVE: derives a key from the 232-byte KDF spec.</summary>
    /// <param name="spec">The KDF spec; its <see cref="TmeKdfSpec.InputKey"/> is a handle or a fuse key id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The derived key's handle.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public Task<TmeKeyHandle> DeriveKeyAsync(TmeKdfSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        byte[] bytes = new byte[TmeKdfSpec.Size];
        spec.Encode(bytes);
        return CallAsync(
            TmelcomUid.KmDerive,
            b => new KmDeriveMessage(TmeCryptoIds.KeyIdAllocate, In(b, bytes), 0, 0, 0, default),
            m => new TmeKeyHandle(m.ResultKeyId),
            cancellationToken);
    }

    /// <summary>KM_WRAP: exports a key wrapped under a key-wrapping key; the only way a key leaves TME-L.</summary>
    /// <param name="key">The key to wrap; its policy must allow the wrapping key's class.</param>
    /// <param name="wrappingKey">The key-wrapping key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The wrapped blob (docs/crypto.md, "Wrapped-key blob").</returns>
    /// <exception cref="TmeCryptoException">TME-L refused (a key that may not be wrapped).</exception>
    public Task<byte[]> WrapKeyAsync(TmeKeyHandle key, TmeKeyHandle wrappingKey, CancellationToken cancellationToken = default)
    {
        TmelcomBuffer blob = default;
        return CallAsync(
            TmelcomUid.KmWrap,
            b =>
            {
                IRpmsgSharedBuffer buffer = b.Allocate(MaxWrappedKeyLength);
                blob = new TmelcomBuffer(buffer.BusAddress, MaxWrappedKeyLength);
                return new KmWrapMessage(key.Value, wrappingKey.Value, 0, blob, 0, default);
            },
            _ =>
            {
                byte[] bytes = new byte[MaxWrappedKeyLength];
                _memory.Read(blob.Address, bytes);
                if (bytes[1] is < 2 or > MaxWrappedKeyLength)
                {
                    throw new RpmsgProtocolException($"The wrapped-key blob names {bytes[1]} bytes; 2..{MaxWrappedKeyLength} fit.");
                }

                return bytes[..bytes[1]];
            },
            cancellationToken);
    }

    /// <summary>KM_UNWRAP: imports a wrapped key; it gets the policy it was wrapped with.</summary>
    /// <param name="wrappingKey">The key-wrapping key.</param>
    /// <param name="wrappedKey">The blob from <see cref="WrapKeyAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The unwrapped key's handle.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused (MALFORMED_TOKEN for a blob that does not unwrap).</exception>
    public Task<TmeKeyHandle> UnwrapKeyAsync(TmeKeyHandle wrappingKey, ReadOnlyMemory<byte> wrappedKey, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(wrappedKey.Length, nameof(wrappedKey));
        return CallAsync(
            TmelcomUid.KmUnwrap,
            b => new KmUnwrapMessage(TmeCryptoIds.KeyIdAllocate, wrappingKey.Value, In(b, wrappedKey.Span), 0, 0, 0, default),
            m => new TmeKeyHandle(m.ResultKeyId),
            cancellationToken);
    }

    /// <summary>HCS_SHA_DIGEST: a SHA-256/384/512 digest computed by TME-L.</summary>
    /// <param name="hash">The hash.</param>
    /// <param name="data">The data.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public Task<byte[]> DigestAsync(TmeHashAlgorithm hash, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        return CallAsync(
            TmelcomUid.HcsShaDigest,
            b => new HcsDigestMessage((uint)hash, In(b, data.Span), 0, Out(b, MaxDigestLength), 0, default),
            m => Read(m.Digest),
            cancellationToken);
    }

    /// <summary>HCS_HMAC_DIGEST: an HMAC under a key TME-L holds.</summary>
    /// <param name="key">The HMAC key.</param>
    /// <param name="hash">The hash; the key's policy must name the same HMAC.</param>
    /// <param name="data">The data.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The MAC.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public Task<byte[]> HmacAsync(TmeKeyHandle key, TmeHashAlgorithm hash, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        CallAsync(
            TmelcomUid.HcsHmacDigest,
            b => new HcsDigestMessage((uint)hash, In(b, data.Span), key.Value, Out(b, MaxDigestLength), 0, default),
            m => Read(m.Digest),
            cancellationToken);

    /// <summary>HCS_ECC_SIGN_MSG, or HCS_ECC_SIGN_DIGEST when <paramref name="hash"/> is <see cref="TmeHashAlgorithm.None"/>: an ECDSA signature, DER-encoded.</summary>
    /// <param name="key">The private key.</param>
    /// <param name="curve">The key's curve.</param>
    /// <param name="hash">The hash of the message, or None when <paramref name="input"/> is already a digest.</param>
    /// <param name="input">The message or digest.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The DER signature (RFC 3279), as OpenSSL and <see cref="DSASignatureFormat.Rfc3279DerSequence"/> read it.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public Task<byte[]> SignAsync(TmeKeyHandle key, TmeCurve curve, TmeHashAlgorithm hash, ReadOnlyMemory<byte> input, CancellationToken cancellationToken = default) =>
        CallAsync(
            hash == TmeHashAlgorithm.None ? TmelcomUid.HcsEccSignDigest : TmelcomUid.HcsEccSignMessage,
            b => new HcsEccSignMessage((uint)curve, key.Value, (uint)hash, In(b, input.Span), Out(b, MaxSignatureLength), 0, default),
            m => Read(m.Signature),
            cancellationToken);

    /// <summary>HCS_ECC_VERIFY_MSG, or HCS_ECC_VERIFY_DIGEST when <paramref name="hash"/> is None: TME-L checks a DER signature.</summary>
    /// <param name="curve">The curve.</param>
    /// <param name="publicKey">The public key as X‖Y (or 0x04‖X‖Y).</param>
    /// <param name="hash">The hash of the message, or None for a digest.</param>
    /// <param name="input">The message or digest.</param>
    /// <param name="signature">The DER signature.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the signature is valid; <see langword="false"/> when TME-L answered FAILURE.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused the request itself (a bad key or length).</exception>
    public async Task<bool> VerifyAsync(TmeCurve curve, ReadOnlyMemory<byte> publicKey, TmeHashAlgorithm hash, ReadOnlyMemory<byte> input, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken = default)
    {
        try
        {
            return await CallAsync(
                hash == TmeHashAlgorithm.None ? TmelcomUid.HcsEccVerifyDigest : TmelcomUid.HcsEccVerifyMessage,
                b => new HcsEccVerifyMessage((uint)curve, In(b, publicKey.Span), (uint)hash, In(b, input.Span), In(b, signature.Span), 0, default),
                _ => true,
                cancellationToken).ConfigureAwait(false);
        }
        catch (TmeCryptoException ex) when (ex.Status == TmeStatus.Failure)
        {
            return false;
        }
    }

    /// <summary>HCS_ECC_GET_PUBKEY: the public half of an ECDSA key, ready to verify outside TME-L.</summary>
    /// <param name="key">The private key.</param>
    /// <param name="curve">The key's curve (P-256, P-384, P-521).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A public-only <see cref="ECDsa"/>; the caller disposes it.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public async Task<ECDsa> GetEcdsaPublicKeyAsync(TmeKeyHandle key, TmeCurve curve, CancellationToken cancellationToken = default)
    {
        byte[] point = await GetPublicPointAsync(TmelcomUid.HcsEccGetPublicKey, key, curve, cancellationToken).ConfigureAwait(false);
        return ECDsa.Create(ToParameters(curve, point));
    }

    /// <summary>HCS_ECDH_GET_PUBKEY: the public half of an ECDH key.</summary>
    /// <param name="key">The private key.</param>
    /// <param name="curve">The key's curve.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The public key.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public async Task<ECDiffieHellmanPublicKey> GetEcdhPublicKeyAsync(TmeKeyHandle key, TmeCurve curve, CancellationToken cancellationToken = default)
    {
        byte[] point = await GetPublicPointAsync(TmelcomUid.HcsEcdhGetPublicKey, key, curve, cancellationToken).ConfigureAwait(false);
        using ECDiffieHellman ecdh = ECDiffieHellman.Create(ToParameters(curve, point));
        return ecdh.PublicKey;
    }

    /// <summary>The raw public point X‖Y of an ECDSA (0x0B07) or ECDH (0x0B08) key.</summary>
    /// <param name="uid">0x0B07 or 0x0B08.</param>
    /// <param name="key">The private key.</param>
    /// <param name="curve">The key's curve.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>X‖Y.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public Task<byte[]> GetPublicPointAsync(ushort uid, TmeKeyHandle key, TmeCurve curve, CancellationToken cancellationToken = default)
    {
        if (uid is not (TmelcomUid.HcsEccGetPublicKey or TmelcomUid.HcsEcdhGetPublicKey))
        {
            throw new ArgumentOutOfRangeException(nameof(uid), uid, "0x0B07 or 0x0B08.");
        }

        return CallAsync(
            uid,
            b => new HcsEccPublicKeyMessage((uint)curve, key.Value, Out(b, MaxPublicKeyLength), 0, default),
            m => Read(m.PublicKey),
            cancellationToken);
    }

    /// <summary>HCS_ECDH_SHARED_SECRET: agrees a secret with a peer; the secret stays in TME-L as a new key.</summary>
    /// <param name="key">The own ECDH private key.</param>
    /// <param name="curve">The curve.</param>
    /// <param name="peer">The peer's public key.</param>
    /// <param name="policy">The policy of the shared-secret key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The shared-secret key's handle.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public Task<TmeKeyHandle> AgreeAsync(TmeKeyHandle key, TmeCurve curve, ECDiffieHellmanPublicKey peer, TmeKeyPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ECParameters q = peer.ExportParameters();
        byte[] point = [.. q.Q.X!, .. q.Q.Y!];
        return CallAsync(
            TmelcomUid.HcsEcdhSharedSecret,
            b => new HcsEcdhSharedSecretMessage((uint)curve, key.Value, TmeCryptoIds.KeyIdAllocate, In(b, point), policy, 0, 0, default),
            m => new TmeKeyHandle(m.ResultKeyId),
            cancellationToken);
    }

    /// <summary>HCS_AES_ENCRYPT: ECB or CBC (no padding) or GCM; TME-L draws the IV.</summary>
    /// <param name="key">The AES key.</param>
    /// <param name="mode">The mode.</param>
    /// <param name="plaintext">The plaintext (a multiple of 16 bytes for ECB and CBC).</param>
    /// <param name="aad">Additional authenticated data (GCM only, at most 256 bytes).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The ciphertext, the IV TME-L used (empty for ECB) and the tag (GCM).</returns>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public Task<AesResult> EncryptAsync(TmeKeyHandle key, TmeAesMode mode, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> aad = default, CancellationToken cancellationToken = default) =>
        CallAsync(
            TmelcomUid.HcsAesEncrypt,
            b => new HcsAesEncryptMessage(
                (uint)mode, key.Value, In(b, aad.Span), In(b, plaintext.Span), default,
                mode == TmeAesMode.Ecb ? default : Out(b, 16),
                mode == TmeAesMode.Gcm ? Out(b, 16) : default,
                Out(b, Math.Max(1, plaintext.Length)), 0, default),
            m => new AesResult(Read(m.Ciphertext), Read(m.OutIv), Read(m.OutTag)),
            cancellationToken);

    /// <summary>HCS_AES_DECRYPT.</summary>
    /// <param name="key">The AES key.</param>
    /// <param name="mode">The mode.</param>
    /// <param name="ciphertext">The ciphertext.</param>
    /// <param name="iv">The IV (CBC 16 bytes, GCM 12; empty for ECB).</param>
    /// <param name="tag">The GCM tag.</param>
    /// <param name="aad">The GCM additional authenticated data.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="TmeCryptoException">TME-L refused; FAILURE when a GCM tag does not match.</exception>
    public Task<byte[]> DecryptAsync(TmeKeyHandle key, TmeAesMode mode, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> iv = default, ReadOnlyMemory<byte> tag = default, ReadOnlyMemory<byte> aad = default, CancellationToken cancellationToken = default) =>
        CallAsync(
            TmelcomUid.HcsAesDecrypt,
            b => new HcsAesDecryptMessage((uint)mode, key.Value, In(b, aad.Span), In(b, iv.Span), In(b, tag.Span), In(b, ciphertext.Span), default, Out(b, Math.Max(1, ciphertext.Length)), 0, default),
            m => Read(m.Plaintext),
            cancellationToken);

    /// <summary>HCS_PRNG_GET: random bytes from TME-L.</summary>
    /// <param name="count">How many, 1..512.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The random bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is outside 1..512.</exception>
    /// <exception cref="TmeCryptoException">TME-L refused.</exception>
    public Task<byte[]> GetRandomAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 512);
        return CallAsync(
            TmelcomUid.HcsPrngGet,
            b => new HcsPrngMessage((uint)count, Out(b, count), 0, default),
            m => Read(m.Output),
            cancellationToken);
    }

    private async Task<TResult> CallAsync<T, TResult>(ushort uid, Func<RequestBuffers, T> build, Func<T, TResult> read, CancellationToken cancellationToken)
        where T : struct, ITmeCryptoMessage<T>
    {
        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        var buffers = new RequestBuffers(_memory);
        try
        {
            T request = build(buffers);
            IRpmsgSharedBuffer message = buffers.Allocate(T.Size);
            byte[] bytes = new byte[T.Size];
            T.Encode(request, bytes);
            message.Write(0, bytes);
            TmelcomPacket reply = await TmelcomExchange.ExchangeAsync(
                turn, TmelcomPacket.CreateSram(uid, message.BusAddress, (uint)T.Size), buffers, cancellationToken).ConfigureAwait(false);
            reply.ThrowIfFailed();
            if (reply.IpcType != TmelcomIpcType.Sram)
            {
                throw new RpmsgProtocolException($"The {T.Name} reply is not a pointer packet: {reply}.");
            }

            message.Read(0, bytes);
            T response = T.Decode(bytes);
            if (response.Status != 0)
            {
                throw new TmeCryptoException(uid, (TmeStatus)response.Status);
            }

            return read(response);
        }
        finally
        {
            // Nothing left to free when the request was abandoned: the lane holds its buffers until TME-L is done with them.
            buffers.Release();
        }
    }

    private static TmelcomBuffer In(RequestBuffers buffers, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return default;
        }

        IRpmsgSharedBuffer buffer = buffers.Allocate(data.Length);
        buffer.Write(0, data);
        return new TmelcomBuffer(buffer.BusAddress, (uint)data.Length);
    }

    private static TmelcomOutBuffer Out(RequestBuffers buffers, int capacity)
    {
        IRpmsgSharedBuffer buffer = buffers.Allocate(capacity);
        return new TmelcomOutBuffer(buffer.BusAddress, (uint)capacity, 0);
    }

    private byte[] Read(TmelcomOutBuffer buffer)
    {
        if (buffer.Used > buffer.Capacity)
        {
            throw new RpmsgProtocolException($"TME-L reported {buffer.Used} bytes in a {buffer.Capacity}-byte buffer.");
        }

        if (buffer.IsAbsent || buffer.Used == 0)
        {
            return [];
        }

        byte[] data = new byte[buffer.Used];
        _memory.Read(buffer.Address, data);
        return data;
    }

    private static ECParameters ToParameters(TmeCurve curve, byte[] point)
    {
        ECCurve named = curve switch
        {
            TmeCurve.P256 => ECCurve.NamedCurves.nistP256,
            TmeCurve.P384 => ECCurve.NamedCurves.nistP384,
            TmeCurve.P521 => ECCurve.NamedCurves.nistP521,
            TmeCurve.Bp256 => ECCurve.NamedCurves.brainpoolP256r1,
            TmeCurve.Bp384 => ECCurve.NamedCurves.brainpoolP384r1,
            TmeCurve.Bp512 => ECCurve.NamedCurves.brainpoolP512r1,
            _ => throw new ArgumentOutOfRangeException(nameof(curve), curve, "A curve the client can represent."),
        };
        int size = point.Length / 2;
        return new ECParameters { Curve = named, Q = new ECPoint { X = point[..size], Y = point[size..] } };
    }
}
