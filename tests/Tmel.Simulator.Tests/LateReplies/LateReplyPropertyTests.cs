using CsCheck;
using Rpmsg.Core;
using Tmel.Services;
using Tmel.Services.Echo;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;
using Tmel.Simulator.Tests.Support;

namespace Tmel.Simulator.Tests.LateReplies;

/// <summary>
/// Random cancellations, response timeouts short enough to fire often, and concurrent callers on one echo client and one
/// image-auth client, through the whole stack on the real clock: every reply is the caller's own (an echo equals its
/// request; a SEC_AUTH result is what TME-L wrote into that request's own shared-memory struct for that image), every
/// failure is a typed one, no message ever reaches a live request's address that does not answer it, and once the
/// abandoned requests are settled every shared-memory byte is free again.
/// </summary>
public sealed class LateReplyPropertyTests
{
    private const int Images = 4;
    // One software id (the signer certificate binds it), four images linked at four addresses: a SEC_AUTH result names
    // the image it answers by its entry and first segment. While one is authenticated, the others are refused BUSY.
    private static readonly Lazy<TsimImage[]> s_images = new(() =>
        [.. Enumerable.Range(0, Images).Select(i => TestImages.Firmware(LinkAddress(i)))]);

    private static readonly Gen<int> s_cancelAfter = Gen.Frequency((2, Gen.Const(-1)), (1, Gen.Int[0, 1500]));

    private static readonly Gen<Op> s_op = Gen.Frequency(
        (3, Gen.Select(Gen.Int[1, 6144], s_cancelAfter, (size, cancel) => new Op(OpKind.Echo, size, cancel))),
        (2, Gen.Select(Gen.Int[0, Images - 1], s_cancelAfter, (image, cancel) => new Op(OpKind.Authenticate, image, cancel))),
        (1, s_cancelAfter.Select(cancel => new Op(OpKind.TearDown, 0, cancel))));

    private static readonly Gen<Op[][]> s_workers = s_op.Array[150, 250].Array[2, 4];

    [Fact(Timeout = 600_000)] // a hang guard, not a timing assertion
    public async Task RandomCancelsTimeoutsAndConcurrentCallers_EveryReplyAnswersItsOwnRequest()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        long operations = 0;
        await s_workers.SampleAsync(
            async workers =>
            {
                await RunAsync(workers, ct);
                Interlocked.Add(ref operations, workers.Sum(w => w.Length));
            },
            writeLine: TestContext.Current.TestOutputHelper is { } output ? output.WriteLine : null,
            iter: 6,
            threads: 1,
            print: workers => string.Join(" | ", workers.Select(w => string.Join(",", w.Select(o => o.ToString())))));

        Assert.True(Interlocked.Read(ref operations) >= 6 * 2 * 150);
    }

    private static uint LinkAddress(int image) => TestImages.LinkAddress + (uint)(image * 0x10_0000);

    private static async Task RunAsync(Op[][] workers, CancellationToken ct)
    {
        await using StackRig rig = await StackRig.StartAsync(
            ct,
            sharedMemorySize: 1024 * 1024,
            clientTime: TimeProvider.System,
            options: new ImageAuthClientOptions { ResponseTimeout = TimeSpan.FromMilliseconds(3), LateReplyHold = TimeSpan.FromMilliseconds(200) });
        EchoClient echo = await rig.BindEchoAsync(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(200), ct);
        ImageAuthClient imageAuth = rig.Client;

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task[] running = [.. workers.Select((ops, w) => Task.Run(() => RunWorkerAsync(ops, w, echo, imageAuth, start.Task, ct), ct))];
        start.SetResult();
        await Task.WhenAll(running);

        await echo.Lane.WhenNoneHeldAsync(ct);
        await imageAuth.Lane.WhenNoneHeldAsync(ct);
        Assert.Equal(0, echo.Lane.Unmatched);
        Assert.Equal(0, imageAuth.Lane.Unmatched);
        Assert.Equal(rig.SharedMemory.Size, rig.SharedMemory.FreeBytes);
    }

    private static async Task RunWorkerAsync(Op[] ops, int worker, EchoClient echo, ImageAuthClient imageAuth, Task start, CancellationToken ct)
    {
        await start;
        var random = new Random(worker);
        foreach (Op op in ops)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (op.CancelAfterMicroseconds >= 0)
            {
                cancel.CancelAfter(TimeSpan.FromMicroseconds(op.CancelAfterMicroseconds));
            }

            try
            {
                switch (op.Kind)
                {
                    case OpKind.Echo:
                        byte[] request = new byte[op.Value];
                        random.NextBytes(request);
                        byte[] reply = await echo.EchoAsync(request, cancel.Token);
                        Assert.True(request.AsSpan().SequenceEqual(reply), $"{op}: the reply ({reply.Length} bytes) is not the request's own");
                        break;

                    case OpKind.Authenticate:
                        TsimImage image = s_images.Value[op.Value];
                        try
                        {
                            ImageAuthResult result = await imageAuth.AuthenticateAsync(image, cancel.Token);
                            uint link = LinkAddress(op.Value);
                            Assert.Equal(new ImageAuthResult(TestImages.SwId, link + 0x10, link, 0x60), result);
                        }
                        catch (TmelServiceException ex) when (ex.Uid == TmelcomUid.SecAuth && ex.Status == TmelStatus.Busy && ex.ExtendedError == 0x1008)
                        {
                            // Authenticated already, by an earlier request (perhaps an abandoned one that was carried out).
                        }

                        break;

                    case OpKind.TearDown:
                        try
                        {
                            await imageAuth.TearDownAsync(TestImages.SwId, cancel.Token);
                        }
                        catch (TmelServiceException ex) when (ex.Uid == TmelcomUid.TearDown && ex.Status == TmelStatus.BadParameter)
                        {
                            // Not authenticated now.
                        }

                        break;
                }
            }
            catch (OperationCanceledException ex) when (ex.CancellationToken == cancel.Token && !ct.IsCancellationRequested)
            {
                // The caller's own cancellation.
            }
            catch (RpmsgTimeoutException ex) when (ex.Error is RpmsgError.ResponseTimeout or RpmsgError.LateReplyPending)
            {
                // A typed timeout: no answer in time, or not sent while earlier abandoned requests were still held.
            }
        }
    }

    private enum OpKind
    {
        Echo,
        Authenticate,
        TearDown,
    }

    private sealed record Op(OpKind Kind, int Value, int CancelAfterMicroseconds)
    {
        public override string ToString() => $"{Kind}({Value}{(CancelAfterMicroseconds >= 0 ? $", cancel {CancelAfterMicroseconds} us" : "")})";
    }
}
