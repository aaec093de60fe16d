using Microsoft.Extensions.Logging;

namespace Tmel.Transport.Qmp;

public sealed partial class QmpLink
{
    /// <summary>The link's log messages; event ids 2000-2099 (Tmel.Transport.Qmp owns 2000-2999).</summary>
    private static partial class Log
    {
        [LoggerMessage(2000, LogLevel.Information, "QMP {Role}: {From} -> {To}.")]
        public static partial void StateChanged(ILogger logger, QmpRole role, QmpLinkState from, QmpLinkState to);

        [LoggerMessage(2001, LogLevel.Information, "QMP {Role}: channel closed: {Reason}.")]
        public static partial void ChannelClosed(ILogger logger, QmpRole role, string reason);

        [LoggerMessage(2002, LogLevel.Warning, "QMP {Role}: protocol error from the peer: {What}.")]
        public static partial void ProtocolError(ILogger logger, QmpRole role, string what);

        [LoggerMessage(2003, LogLevel.Warning, "QMP: dropped {Length} bytes of an incomplete message: {Reason}.")]
        public static partial void PartialDropped(ILogger logger, int length, string reason);

        [LoggerMessage(2005, LogLevel.Warning, "QMP {Role}: a fragment was not taken in time; ringing the doorbell again.")]
        public static partial void DoorbellRepeated(ILogger logger, QmpRole role);

        [LoggerMessage(2006, LogLevel.Error, "QMP {Role}: a fragment was not taken after {Attempts} periods; the channel is reset.")]
        public static partial void FragmentTimedOut(ILogger logger, QmpRole role, int attempts);

        [LoggerMessage(2007, LogLevel.Warning, "QMP {Role}: the peer did not acknowledge the channel close within {TimeoutMs} ms; closing anyway.")]
        public static partial void CloseUnacknowledged(ILogger logger, QmpRole role, double timeoutMs);

        [LoggerMessage(2008, LogLevel.Error, "QMP {Role}: the peer took a message but did not confirm consuming it within {TimeoutMs} ms; the channel is reset.")]
        public static partial void ConsumeTimedOut(ILogger logger, QmpRole role, double timeoutMs);

        [LoggerMessage(2004, LogLevel.Error, "QMP {Role}: the message handler threw; the message counts as consumed.")]
        public static partial void HandlerFailed(ILogger logger, QmpRole role, Exception exception);
    }
}
