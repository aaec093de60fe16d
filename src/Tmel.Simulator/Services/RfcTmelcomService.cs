using Microsoft.Extensions.Logging;
using Tmel.Services.Tmelcom;

namespace Tmel.Simulator;

/// <summary>
/// The RFC driver's own protocol at rpmsg address 0: the RFC's driver never writes the mailbox's reserved word, so its raw
/// 24-byte TMELCOM packets arrive from address 0 to address 0. Each packet goes to the service that serves its UID, and the
/// reply goes back to address 0 in the same forms (SEC_AUTH through shared memory, SS_TEAR_DOWN inline).
/// </summary>
internal sealed partial class RfcTmelcomService : ITmelcomHandler
{
    private readonly Dictionary<ushort, ITmelcomHandler> _byUid = [];
    private readonly ILogger _logger;

    public RfcTmelcomService(IEnumerable<ITmelcomHandler> services, ILogger logger)
    {
        _logger = logger;
        foreach (ITmelcomHandler service in services)
        {
            foreach (ushort uid in service.Uids)
            {
                _byUid.Add(uid, service);
            }
        }
    }

    public IReadOnlyCollection<ushort> Uids => _byUid.Keys;

    public void Handle(ReadOnlySpan<byte> request, uint source, Span<byte> reply)
    {
        if (request.Length == TmelcomPacket.Size && _byUid.TryGetValue(TmelcomUid.Create(request[1], request[2]), out ITmelcomHandler? service))
        {
            service.Handle(request, source, reply);
            return;
        }

        if (TmelcomReplies.TryDecode(request, reply, out TmelcomPacket packet))
        {
            Log.NotSupported(_logger, packet.Uid);
            TmelcomReplies.Refuse(packet, TmelStatus.NotSupported, reply);
        }
        else
        {
            Log.Malformed(_logger, request.Length);
        }
    }

    /// <summary>Event ids 4300-4349: the RFC driver's protocol at address 0.</summary>
    private static partial class Log
    {
        [LoggerMessage(4300, LogLevel.Warning, "Address 0: UID 0x{Uid:X4} is not served; answered NOT_SUPPORTED.")]
        public static partial void NotSupported(ILogger logger, ushort uid);

        [LoggerMessage(4301, LogLevel.Warning, "Address 0: a {Length}-byte message is no TMELCOM packet; answered BAD_MESSAGE.")]
        public static partial void Malformed(ILogger logger, int length);
    }
}
