using FnPipeline.Docker.Engine;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FnPipeline.DependencyInjection;

/// <summary>
/// The health check <c>AddFnPipeline</c> registers as <see cref="Name"/>: the engine probe (reachable, TLS, API version
/// gate). Healthy names the engine and what it is; Unhealthy names the problem and the fix.
/// </summary>
internal sealed class EngineHealthCheck(EngineProbeService probe) : IHealthCheck
{
    /// <summary>The registration's name.</summary>
    public const string Name = "fnpipeline-engine";

    /// <summary>How long one check waits for the engine: health endpoints must answer promptly.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = await probe.CheckAsync(Timeout, cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object>
        {
            ["endpoint"] = status.Endpoint.Address,
            ["source"] = status.Endpoint.Source,
            ["tls"] = status.Endpoint.Tls is not null,
        };
        if (status.Identity is { } identity)
        {
            data["product"] = identity.Product;
            data["version"] = identity.ProductVersion;
            data["apiVersion"] = identity.ApiVersion;
        }

        return status.Problem is { } problem
            ? HealthCheckResult.Unhealthy($"{problem.Message}. Fix: {problem.Fix}", data: data)
            : HealthCheckResult.Healthy(status.Describe(), data);
    }
}
