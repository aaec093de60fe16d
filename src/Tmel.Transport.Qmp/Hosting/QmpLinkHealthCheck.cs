using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tmel.Transport.Qmp;

/// <summary>
/// Reports the hosted link (docs/hosting.md, "Health"): healthy while the channel is open, degraded during the first
/// bring-up, and the registration's failure status (unhealthy) once a channel that was open is lost, when bring-up failed,
/// or when the link stopped.
/// </summary>
/// <remarks>
/// Once the link has been connected, the link's own state decides: a lost channel is unhealthy at once (every request
/// fails with a typed error until it is back), and a channel the link re-opened by itself is healthy even while the hosted
/// service still sits in a retry delay. Probes apply their own thresholds; the check adds no grace of its own.
/// </remarks>
internal sealed class QmpLinkHealthCheck(QmpLinkHostedService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        QmpLinkStatus status = service.Status;
        QmpLinkState state = service.Link.State;
        var data = new Dictionary<string, object>
        {
            ["status"] = status.ToString(),
            ["state"] = state.ToString(),
            ["failedAttempts"] = service.FailedAttempts,
            ["protocolErrors"] = service.Link.ProtocolErrors,
        };
        bool channelOpen = state == QmpLinkState.ChannelConnected;
        HealthCheckResult result = status switch
        {
            QmpLinkStatus.Connected or QmpLinkStatus.Recovering when channelOpen => HealthCheckResult.Healthy("QMP channel connected.", data),
            QmpLinkStatus.Connected or QmpLinkStatus.Recovering => new HealthCheckResult(context.Registration.FailureStatus, $"QMP channel lost (link {state}); recovering.", data: data),
            QmpLinkStatus.Starting => HealthCheckResult.Degraded("QMP link coming up.", data: data),
            QmpLinkStatus.Down => new HealthCheckResult(context.Registration.FailureStatus, $"QMP link down after {service.FailedAttempts} failed bring-up attempts.", data: data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, "QMP link stopped.", data: data),
        };
        return Task.FromResult(result);
    }
}
