using Microsoft.Extensions.Logging;

namespace Rpmsg.Core;

public sealed partial class RpmsgBus
{
    /// <summary>The bus's log messages; event ids 1000-1099 (Rpmsg.Core owns 1000-1999).</summary>
    private static partial class Log
    {
        [LoggerMessage(1000, LogLevel.Debug, "Endpoint {Address} created (device {Device}).")]
        public static partial void EndpointCreated(ILogger logger, uint address, string device);

        [LoggerMessage(1001, LogLevel.Debug, "Endpoint {Address} closed: {Reason}.")]
        public static partial void EndpointDestroyed(ILogger logger, uint address, RpmsgError reason);

        [LoggerMessage(1002, LogLevel.Warning, "Dropped a {Length}-byte message from {Source} to {Destination}: no endpoint has that address.")]
        public static partial void NoEndpoint(ILogger logger, uint destination, uint source, int length);

        [LoggerMessage(1003, LogLevel.Warning, "Dropped a malformed name-service message from {Source}: {Reason}.")]
        public static partial void MalformedAnnouncement(ILogger logger, uint source, string reason);

        [LoggerMessage(1004, LogLevel.Information, "Device {Name} at remote address {Destination} added (announced: {Announced}).")]
        public static partial void DeviceAdded(ILogger logger, string name, uint destination, bool announced);

        [LoggerMessage(1005, LogLevel.Information, "Device {Name} at remote address {Destination} removed.")]
        public static partial void DeviceRemoved(ILogger logger, string name, uint destination);

        [LoggerMessage(1006, LogLevel.Information, "Driver {Driver} probed device {Name}; default endpoint {Address}.")]
        public static partial void DriverProbed(ILogger logger, string driver, string name, uint address);

        [LoggerMessage(1007, LogLevel.Error, "Driver {Driver} failed to probe device {Name}; the device stays unbound.")]
        public static partial void ProbeFailed(ILogger logger, string driver, string name, Exception exception);

        [LoggerMessage(1008, LogLevel.Error, "Driver {Driver} failed while removing device {Name}; its endpoints are closed anyway.")]
        public static partial void RemoveFailed(ILogger logger, string driver, string name, Exception exception);

        [LoggerMessage(1009, LogLevel.Error, "The receive callback of endpoint {Address} threw; the message is consumed.")]
        public static partial void CallbackFailed(ILogger logger, uint address, Exception exception);

        [LoggerMessage(1010, LogLevel.Warning, "Ignored a repeated announcement of {Name} at remote address {Address}.")]
        public static partial void DuplicateAnnouncement(ILogger logger, string name, uint address);

        [LoggerMessage(1011, LogLevel.Warning, "Ignored the withdrawal of {Name} at remote address {Address}: no such device.")]
        public static partial void UnknownWithdrawal(ILogger logger, string name, uint address);

        [LoggerMessage(1012, LogLevel.Information, "Link up.")]
        public static partial void LinkUp(ILogger logger);

        [LoggerMessage(1013, LogLevel.Information, "Link down; removing the announced devices.")]
        public static partial void LinkDown(ILogger logger);

        [LoggerMessage(1014, LogLevel.Debug, "Sent name-service {Flags} for {Name} at address {Address}.")]
        public static partial void AnnouncementSent(ILogger logger, string name, uint address, RpmsgNameServiceFlags flags);

        [LoggerMessage(1015, LogLevel.Warning, "Could not send name-service {Flags} for {Name}; it is repeated at the next link-up.")]
        public static partial void AnnouncementFailed(ILogger logger, string name, RpmsgNameServiceFlags flags, Exception exception);

        [LoggerMessage(1016, LogLevel.Information, "Driver {Driver} registered.")]
        public static partial void DriverRegistered(ILogger logger, string driver);

        [LoggerMessage(1017, LogLevel.Information, "Driver {Driver} unregistered.")]
        public static partial void DriverUnregistered(ILogger logger, string driver);

        [LoggerMessage(1018, LogLevel.Warning, "Dropped a {Length}-byte message from {Source} to endpoint {Destination}: its receive queue stayed full for {TimeoutMs} ms.")]
        public static partial void ReceiveQueueFull(ILogger logger, uint destination, uint source, int length, double timeoutMs);
    }
}
