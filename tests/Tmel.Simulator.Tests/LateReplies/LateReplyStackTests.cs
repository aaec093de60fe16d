using System.Security.Cryptography;
using Rpmsg.Core;
using Tmel.Services;
using Tmel.Services.Echo;
using Tmel.Services.ImageAuth;
using Tmel.Simulator.Tests.Support;

namespace Tmel.Simulator.Tests.LateReplies;

/// <summary>
/// A reply never reaches the wrong caller, through the whole stack (clients → rpmsg → QMP ⇄ simulator) on the real clock:
/// the reproductions of the late-reply defect (echo with a 1 ms response timeout; a 6144-byte echo cancelled midway),
/// with the simulator answering every request late or not at all (a cancelled partial message is dropped by the peer).
/// </summary>
public sealed class LateReplyStackTests
{
    [Fact(Timeout = 120_000)] // a hang guard, not a timing assertion
    public async Task EchoAsync_OneMillisecondResponseTimeout_500CallsOfRandomSize_NoCallEverGetsAnotherCallsReply()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using StackRig rig = await StackRig.StartAsync(ct, clientTime: TimeProvider.System);
        EchoClient client = await rig.BindEchoAsync(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30), ct);
        var random = new Random(500);
        int own = 0, timedOut = 0;

        for (int i = 0; i < 500; i++)
        {
            byte[] request = new byte[random.Next(1, 6145)];
            random.NextBytes(request);
            try
            {
                byte[] reply = await client.EchoAsync(request, ct);
                Assert.True(request.AsSpan().SequenceEqual(reply), $"call {i}: a {request.Length}-byte request got a {reply.Length}-byte reply that is not its own");
                own++;
            }
            catch (RpmsgTimeoutException ex) when (ex.Error is RpmsgError.ResponseTimeout or RpmsgError.LateReplyPending)
            {
                timedOut++;
            }
        }

        Assert.Equal(500, own + timedOut);
        TestContext.Current.TestOutputHelper?.WriteLine($"own replies {own}, typed timeouts {timedOut}, late replies dropped {client.Lane.LateReplies}");
    }

    [Fact(Timeout = 120_000)] // a hang guard, not a timing assertion
    public async Task EchoAsync_A6144ByteEchoCancelledMidway_TheNext30ByteEchoReturnsItsOwn30Bytes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using StackRig rig = await StackRig.StartAsync(ct, clientTime: TimeProvider.System);
        EchoClient client = await rig.BindEchoAsync(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300), ct);
        byte[] big = RandomNumberGenerator.GetBytes(6144);

        // Cancel at every point of the exchange: before the send, mid-fragments, while the reply streams back, after it.
        for (int microseconds = 0; microseconds <= 2000; microseconds += 100)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task<byte[]> cancelled = client.EchoAsync(big, cancel.Token);
            await CancelAfterAsync(cancel, TimeSpan.FromMicroseconds(microseconds));
            try
            {
                Assert.Equal(big, await cancelled);
            }
            catch (OperationCanceledException ex)
            {
                Assert.Equal(cancel.Token, ex.CancellationToken);
            }

            byte[] small = RandomNumberGenerator.GetBytes(30);
            Assert.Equal(small, await client.EchoAsync(small, ct));
        }
    }

    [Fact(Timeout = 60_000)] // a hang guard, not a timing assertion
    public async Task AddressZero_AbandonedSecAuth_TheNextRequestIsAnsweredByItsOwnReply()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using StackRig rig = await StackRig.StartAsync(ct, clientTime: TimeProvider.System);
        await using TmelcomAddressZeroClient raw = TmelcomAddressZeroClient.Create(rig.Bus, rig.SharedMemory, new ImageAuthClientOptions { ResponseTimeout = TimeSpan.FromSeconds(10), LateReplyHold = TimeSpan.FromMilliseconds(500) });
        TsimImage image = TestImages.Firmware();

        for (int i = 0; i < 20; i++)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task<ImageAuthResult> abandoned = raw.ImageAuth.AuthenticateAsync(image, cancel.Token);
            await CancelAfterAsync(cancel, TimeSpan.FromMicroseconds(i * 50));
            bool authenticated;
            try
            {
                authenticated = (await abandoned).EntryAddress == TestImages.LinkAddress + 0x10;
            }
            catch (OperationCanceledException)
            {
                await raw.Lane.WhenNoneHeldAsync(ct);
                authenticated = rig.Simulator.Measurements.Count == 1;
            }

            // Whatever became of the abandoned SEC_AUTH, the tear-down gets the answer to the tear-down.
            if (authenticated)
            {
                await raw.ImageAuth.TearDownAsync(TestImages.SwId, ct);
            }
            else
            {
                TmelServiceException notAuthenticated = await Assert.ThrowsAsync<TmelServiceException>(() => raw.ImageAuth.TearDownAsync(TestImages.SwId, ct));
                Assert.Equal(Tmel.Services.Tmelcom.TmelcomUid.TearDown, notAuthenticated.Uid);
            }

            Assert.Empty(rig.Simulator.Measurements);
        }

        await raw.Lane.WhenNoneHeldAsync(ct);
        Assert.Equal(rig.SharedMemory.Size, rig.SharedMemory.FreeBytes);
    }

    [Fact(Timeout = 60_000)] // a hang guard, not a timing assertion
    public async Task AttestAsync_AbandonedAtEveryPoint_TheNextTokenCarriesItsOwnNonce_BuffersFreed()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using StackRig rig = await StackRig.StartAsync(ct, clientTime: TimeProvider.System, options: new ImageAuthClientOptions { ResponseTimeout = TimeSpan.FromSeconds(10), LateReplyHold = TimeSpan.FromMilliseconds(500) });
        using System.Security.Cryptography.ECDsa key = rig.Simulator.AttestationPublicKey.CreateEcdsa();

        for (int i = 0; i < 20; i++)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            byte[] first = RandomNumberGenerator.GetBytes(32);
            Task<byte[]> abandoned = rig.Attestation.AttestAsync(first, cancellationToken: cancel.Token);
            await CancelAfterAsync(cancel, TimeSpan.FromMicroseconds(i * 100));
            try
            {
                Assert.Equal(first, Tmel.Services.Attestation.AttestationTokenVerifier.Verify(await abandoned, key, first).Nonce);
            }
            catch (OperationCanceledException ex)
            {
                Assert.Equal(cancel.Token, ex.CancellationToken);
            }

            // A late token for the abandoned request would carry the wrong nonce: the verifier would say WrongNonce.
            byte[] second = RandomNumberGenerator.GetBytes(64);
            Assert.Equal(second, Tmel.Services.Attestation.AttestationTokenVerifier.Verify(await rig.Attestation.AttestAsync(second, cancellationToken: ct), key, second).Nonce);
        }

        await rig.Attestation.Lane.WhenNoneHeldAsync(ct);
        Assert.Equal(rig.SharedMemory.Size, rig.SharedMemory.FreeBytes);
    }

    [Fact(Timeout = 60_000)] // a hang guard, not a timing assertion
    public async Task AddressZero_AbandonedAttestation_TheNextDeviceRequestGetsItsOwnAnswer()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using StackRig rig = await StackRig.StartAsync(ct, clientTime: TimeProvider.System);
        await using TmelcomAddressZeroClient raw = TmelcomAddressZeroClient.Create(rig.Bus, rig.SharedMemory, new ImageAuthClientOptions { ResponseTimeout = TimeSpan.FromSeconds(10), LateReplyHold = TimeSpan.FromMilliseconds(500) });

        for (int i = 0; i < 20; i++)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task<byte[]> abandoned = raw.Attestation.AttestAsync(new byte[48], cancellationToken: cancel.Token);
            await CancelAfterAsync(cancel, TimeSpan.FromMicroseconds(i * 100));
            try
            {
                await abandoned;
            }
            catch (OperationCanceledException)
            {
            }

            Assert.Equal(i + 1000, await raw.Device.LoopbackAsync(i, 1000, ct));
        }

        await raw.Lane.WhenNoneHeldAsync(ct);
        Assert.Equal(rig.SharedMemory.Size, rig.SharedMemory.FreeBytes);
    }

    /// <summary>Cancels after about <paramref name="delay"/> of real time, spinning for delays below a timer tick.</summary>
    private static async Task CancelAfterAsync(CancellationTokenSource cancel, TimeSpan delay)
    {
        long start = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(start) < delay)
        {
            await Task.Yield();
        }

        await cancel.CancelAsync();
    }
}
