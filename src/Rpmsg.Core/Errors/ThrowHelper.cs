using System.Diagnostics.CodeAnalysis;

namespace Rpmsg.Core;

/// <summary>Throw sites kept out of hot methods so that those stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowPayloadTooLarge(int length, int mtu, string paramName = "payload") =>
        throw new ArgumentOutOfRangeException(paramName, length, $"The payload is {length} bytes; the MTU of this bus is {mtu} bytes.");

    [DoesNotReturn]
    public static void ThrowAddressOutOfRange(string paramName, RpmsgAddress address, uint max) =>
        throw new ArgumentOutOfRangeException(paramName, address.Value, $"Address {address} is above {max}, the highest address this transport carries.");

    [DoesNotReturn]
    public static void ThrowDestinationAny(string paramName) =>
        throw new ArgumentException("A message needs a concrete destination address, not ANY.", paramName);

    [DoesNotReturn]
    public static void ThrowNoDefaultDestination(RpmsgAddress address) =>
        throw new InvalidOperationException($"Endpoint {address} has no default destination; use SendTo or bind it to a device.");

    [DoesNotReturn]
    public static void ThrowEndpointClosed(RpmsgError reason, RpmsgAddress address) =>
        throw new RpmsgEndpointClosedException(reason, address);

    [DoesNotReturn]
    public static void ThrowLinkDown() =>
        throw new RpmsgException(RpmsgError.LinkDown, "The link is down; the message was not sent.");

    [DoesNotReturn]
    public static void ThrowTimeout(TimeSpan timeout) => throw new RpmsgTimeoutException(timeout);

    [DoesNotReturn]
    public static void ThrowCallbackEndpoint(RpmsgAddress address) =>
        throw new InvalidOperationException($"Endpoint {address} delivers through its callback; it has no receive queue to read.");
}
