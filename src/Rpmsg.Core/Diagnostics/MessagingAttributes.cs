namespace Rpmsg.Core.Diagnostics;

/// <summary>The OpenTelemetry messaging semantic-convention keys (semconv 1.44) and rpmsg's own.</summary>
internal static class MessagingAttributes
{
    public const string System = "messaging.system";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string DestinationName = "messaging.destination.name";
    public const string MessageId = "messaging.message.id";
    public const string BodySize = "messaging.message.body.size";
    public const string SourceAddress = "messaging.rpmsg.source_address";
    public const string DestinationAddress = "messaging.rpmsg.destination_address";
    public const string ErrorType = "error.type";

    public const string OperationTypeSend = "send";
    public const string OperationTypeReceive = "receive";
    public const string OperationTypeProcess = "process";
}
