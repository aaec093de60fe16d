using System.Diagnostics;

namespace Rpmsg.Core.Diagnostics;

/// <summary>Rpmsg.Core's spans. Every method is cheap when nobody listens: callers check <see cref="IsTracing"/> first.</summary>
internal static class RpmsgInstrumentation
{
    public static readonly ActivitySource Source = new(RpmsgTelemetry.SourceName, typeof(RpmsgInstrumentation).Assembly.GetName().Version?.ToString());

    public static bool IsTracing => Source.HasListeners();

    /// <summary>Starts a Producer span for one send; it becomes <see cref="Activity.Current"/> for the transport to carry.</summary>
    public static Activity? StartSend(string operationName, string channel, RpmsgAddress source, RpmsgAddress destination, int length, long messageId)
    {
        Activity? activity = Source.StartActivity($"{operationName} {channel}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            SetCommon(activity, MessagingAttributes.OperationTypeSend, operationName, channel, source, destination, length);
            activity.SetTag(MessagingAttributes.MessageId, messageId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return activity;
    }

    /// <summary>Starts a Consumer span around a callback delivery, as a child of the sender's span when the transport carried it.</summary>
    public static Activity? StartProcess(string channel, RpmsgAddress source, RpmsgAddress destination, int length, ActivityContext senderContext)
    {
        Activity? activity = Source.StartActivity($"process {channel}", ActivityKind.Consumer, senderContext);
        if (activity is { IsAllDataRequested: true })
        {
            SetCommon(activity, MessagingAttributes.OperationTypeProcess, "process", channel, source, destination, length);
        }

        return activity;
    }

    /// <summary>Starts a Client span around one pulled read; <see cref="CompleteReceive"/> adds what arrived.</summary>
    public static Activity? StartReceive(string channel) =>
        Source.StartActivity($"receive {channel}", ActivityKind.Client);

    /// <summary>Describes the message a pulled read returned and links the span to the sender's.</summary>
    public static void CompleteReceive(Activity activity, string channel, RpmsgMessage message)
    {
        if (message.TraceContext != default)
        {
            activity.AddLink(new ActivityLink(message.TraceContext));
        }

        if (activity.IsAllDataRequested)
        {
            SetCommon(activity, MessagingAttributes.OperationTypeReceive, "receive", channel, message.Source, message.Destination, message.Length);
        }
    }

    /// <summary>Marks a span failed with the exception's type, without replacing the caller's exception.</summary>
    public static void SetError(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        string type = exception.GetType().FullName ?? exception.GetType().Name;
        activity.SetTag(MessagingAttributes.ErrorType, type);
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
    }

    private static void SetCommon(Activity activity, string operationType, string operationName, string channel, RpmsgAddress source, RpmsgAddress destination, int length)
    {
        activity.SetTag(MessagingAttributes.System, RpmsgTelemetry.MessagingSystem);
        activity.SetTag(MessagingAttributes.OperationType, operationType);
        activity.SetTag(MessagingAttributes.OperationName, operationName);
        activity.SetTag(MessagingAttributes.DestinationName, channel);
        activity.SetTag(MessagingAttributes.SourceAddress, (long)source.Value);
        activity.SetTag(MessagingAttributes.DestinationAddress, (long)destination.Value);
        activity.SetTag(MessagingAttributes.BodySize, length);
    }
}
