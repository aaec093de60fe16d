using Rpmsg.Core;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Process;

/// <summary>
/// Many rpmsg echoes over a shared-memory window with real socket doorbells, both sides in this process: the sender, the
/// doorbell watch and the dispatcher run on different threads, the way they do across two processes.
/// </summary>
/// <remarks>
/// Regression: the link's actor handed itself back with a release store and then read its work flags; a sender that posted
/// in between could find the actor still taken while the actor found no work, and the send was never written (about one
/// echo in a few thousand hung on two cores). Each round trip here is bounded, so a lost post fails instead of hanging.
/// </remarks>
public sealed class QmpSharedMemoryEchoStressTests : IDisposable
{
    private const int RoundTrips = 40_000;
    private static readonly TimeSpan s_roundTripBound = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Echo_FortyThousandRoundTrips_EachAnsweredWithItsOwnBytesWithinItsBound()
    {
        using QmpProcessDirectory directory = QmpProcessDirectory.Create(_dir.Path, ["apps"]);
        using QmpSharedMemoryMailbox remoteWindow = directory.OpenSimulatorMailbox("apps");
        using QmpSharedMemoryMailbox localWindow = QmpSharedMemoryMailbox.AttachClient(_dir.Path);
        var serverLink = new QmpLink(remoteWindow, QmpRole.Remote);
        var clientLink = new QmpLink(localWindow, QmpRole.Local);
        await using var server = new RpmsgBus(new QmpRpmsgTransport(serverLink));
        await using var client = new RpmsgBus(new QmpRpmsgTransport(clientLink));
        await clientLink.WaitForChannelAsync(Ct);
        await serverLink.WaitForChannelAsync(Ct);
        await using RpmsgEndpoint service = server.CreateEndpoint(new RpmsgAddress(0x400));
        await using RpmsgEndpoint caller = client.CreateEndpoint(RpmsgAddress.Any);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task echo = EchoAsync(service, stop.Token);

        byte[] payload = new byte[24];
        int completed = 0;
        try
        {
            for (; completed < RoundTrips; completed++)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(payload, completed);
                using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                bound.CancelAfter(s_roundTripBound);
                await caller.SendToAsync(service.Address, payload, bound.Token);
                using RpmsgMessage reply = await caller.ReceiveAsync(bound.Token);
                Assert.Equal(completed, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(reply.Span));
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"Round trip {completed} of {RoundTrips} was not answered within {s_roundTripBound.TotalSeconds:0} s.");
        }
        finally
        {
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => echo);
        }

        Assert.Equal(RoundTrips, completed);
    }

    private static async Task EchoAsync(RpmsgEndpoint service, CancellationToken cancellationToken)
    {
        while (true)
        {
            using RpmsgMessage request = await service.ReceiveAsync(cancellationToken);
            await service.SendToAsync(request.Source, request.Payload, cancellationToken);
        }
    }
}
