using Rpmsg.Core.Tests.Support;
using Rpmsg.Core.Tests.Transport;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Process;

/// <summary>The QMP transport over a shared-memory mailbox (window file, socket doorbells) passes the same contract as over the in-memory one.</summary>
public sealed class QmpSharedMemoryTransportContractTests : RpmsgTransportContractTests, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _dir.Dispose();
    }

    private protected override async Task<TransportPair> CreatePairAsync(RecordingHandler first, RecordingHandler second)
    {
        QmpProcessDirectory directory = QmpProcessDirectory.Create(_dir.Path, ["apps"]);
        _owned.Add(directory);
        QmpSharedMemoryMailbox remote = directory.OpenSimulatorMailbox("apps");
        _owned.Add(remote);
        QmpSharedMemoryMailbox local = QmpSharedMemoryMailbox.AttachClient(_dir.Path);
        _owned.Add(local);
        var a = new QmpRpmsgTransport(new QmpLink(local, QmpRole.Local, null, Time));
        var b = new QmpRpmsgTransport(new QmpLink(remote, QmpRole.Remote, null, Time));
        b.Start(second);
        a.Start(first);
        await a.Link.WaitForChannelAsync(Ct);
        await b.Link.WaitForChannelAsync(Ct);
        return new TransportPair(a, b);
    }
}
