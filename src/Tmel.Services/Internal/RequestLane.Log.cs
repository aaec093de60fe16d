using Microsoft.Extensions.Logging;

namespace Tmel.Services.Internal;

internal sealed partial class RequestLane
{
    /// <summary>Event ids 3000-3019: the request path shared by the service clients.</summary>
    private static partial class Log
    {
        [LoggerMessage(3000, LogLevel.Warning, "{Service}: a stale {Length}-byte message was dropped at {Address} before a request.")]
        public static partial void StaleDropped(ILogger logger, string service, uint address, int length);

        [LoggerMessage(3001, LogLevel.Warning, "{Service}: a {Length}-byte message at {Address} that does not answer the request was dropped.")]
        public static partial void UnmatchedDropped(ILogger logger, string service, uint address, int length);

        [LoggerMessage(3002, LogLevel.Error, "{Service}: the request got no answer within {TimeoutMs} ms.")]
        public static partial void ResponseTimedOut(ILogger logger, string service, double timeoutMs);

        [LoggerMessage(3003, LogLevel.Warning, "{Service}: the request from {Address} was abandoned; its late reply is held for at most {HoldMs} ms so that it answers no later request.")]
        public static partial void Abandoned(ILogger logger, string service, uint address, double holdMs);

        [LoggerMessage(3004, LogLevel.Warning, "{Service}: the late {Length}-byte reply to an abandoned request arrived at {Address} and was dropped.")]
        public static partial void LateReplyDropped(ILogger logger, string service, uint address, int length);

        [LoggerMessage(3005, LogLevel.Warning, "{Service}: no late reply to the request abandoned at {Address} came within {HoldMs} ms; the request is let go.")]
        public static partial void HoldExpired(ILogger logger, string service, uint address, double holdMs);

        [LoggerMessage(3006, LogLevel.Debug, "{Service}: requests now go from the fresh address {Address}.")]
        public static partial void FreshEndpoint(ILogger logger, string service, uint address);

        [LoggerMessage(3007, LogLevel.Warning, "{Service}: a request waits because {Held} abandoned request(s) still wait for their late replies.")]
        public static partial void WaitingForLateReply(ILogger logger, string service, int held);
    }
}
