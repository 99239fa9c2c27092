using FnPipeline.Docker.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FnPipeline.DependencyInjection;

/// <summary>Registers the engine probe, its health check and (optionally) its hosted start-up check; idempotent.</summary>
internal static class EngineChecks
{
    public static void Add(IServiceCollection services, bool startupCheck)
    {
        services.TryAddSingleton(provider => new EngineProbeService(provider.GetRequiredService<IOptions<FnPipelineOptions>>().Value));
        services.AddHealthChecks();
        services.Configure<HealthCheckServiceOptions>(health =>
        {
            // Configure runs once per call of Add: the name must be registered once, or the health service refuses to start.
            if (!health.Registrations.Any(r => r.Name == EngineHealthCheck.Name))
            {
                health.Registrations.Add(new HealthCheckRegistration(
                    EngineHealthCheck.Name,
                    provider => new EngineHealthCheck(provider.GetRequiredService<EngineProbeService>()),
                    HealthStatus.Unhealthy,
                    ["fnpipeline", "engine"]));
            }
        });
        if (startupCheck)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EngineStartupCheck>());
        }
    }
}
