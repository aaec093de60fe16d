using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Simulator;

/// <summary>Turns a TMELCOM request into its 24-byte reply through a handler; a handler that fails answers TMELCOM_FAILURE.</summary>
/// <remarks>One per service loop: the reply buffer is reused, which is safe because the loop sends one reply at a time.</remarks>
internal sealed partial class TmelcomResponder(ITmelcomHandler handler, ILogger logger)
{
    private readonly byte[] _reply = new byte[TmelcomPacket.Size];

    public ReadOnlyMemory<byte> Respond(RpmsgMessage request)
    {
        ReadOnlySpan<byte> bytes = request.Span;
        try
        {
            handler.Handle(bytes, request.Source.Value, _reply);
        }
#pragma warning disable CA1031 // A service bug must not stop the service loop; the peer hears TMELCOM_FAILURE.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(logger, request.Destination.Value, ex);
            ushort uid = bytes.Length >= 3 ? TmelcomUid.Create(bytes[1], bytes[2]) : (ushort)0;
            TmelcomPacket.Encode(TmelcomPacket.CreateInline(uid, [], (sbyte)TmelStatus.TmelcomFailure), _reply);
        }

        return _reply;
    }

    private static partial class Log
    {
        [LoggerMessage(4102, LogLevel.Error, "TMELCOM endpoint {Address}: the service failed on a request; answered TMELCOM_FAILURE.")]
        public static partial void HandlerFailed(ILogger logger, uint address, Exception exception);
    }
}
