using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tmel.Transport.Qmp;

/// <summary>Reports the hosted link: healthy when the channel is open, degraded while starting or recovering, unhealthy when down or stopped.</summary>
internal sealed class QmpLinkHealthCheck(QmpLinkHostedService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        QmpLinkStatus status = service.Status;
        var data = new Dictionary<string, object>
        {
            ["status"] = status.ToString(),
            ["state"] = service.Link.State.ToString(),
            ["failedAttempts"] = service.FailedAttempts,
            ["protocolErrors"] = service.Link.ProtocolErrors,
        };
        HealthCheckResult result = status switch
        {
            QmpLinkStatus.Connected => HealthCheckResult.Healthy("QMP channel connected.", data),
            QmpLinkStatus.Starting => HealthCheckResult.Degraded("QMP link coming up.", data: data),
            QmpLinkStatus.Recovering => HealthCheckResult.Degraded("QMP channel lost; recovering.", data: data),
            QmpLinkStatus.Down => new HealthCheckResult(context.Registration.FailureStatus, $"QMP link down after {service.FailedAttempts} failed bring-up attempts.", data: data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, "QMP link stopped.", data: data),
        };
        return Task.FromResult(result);
    }
}
