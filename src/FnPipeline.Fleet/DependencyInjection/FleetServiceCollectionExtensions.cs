using FnPipeline;
using FnPipeline.Fleet;
using FnPipeline.Fleet.Client;
using FnPipeline.Fleet.Node;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// Extension methods live in the namespace of what they extend, as the framework's own do.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers a fleet node or a fleet client (docs/fleet.md).</summary>
public static class FleetServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="FleetNode"/> as a hosted service on the registered <see cref="IFnExecutor"/> (add it with
    /// <c>AddFnPipeline</c>). The fleet's options come from the <c>FNPIPELINE_NATS_*</c> variables, then
    /// <paramref name="configureFleet"/>; the node's capacity and hot idle time default to the executor's
    /// <c>MaxContainers</c> and <c>Hot.IdleTimeout</c>. Options are validated when the node is created.
    /// </summary>
    public static IServiceCollection AddFnPipelineFleetNode(
        this IServiceCollection services, Action<FleetOptions>? configureFleet = null, Action<FleetNodeOptions>? configureNode = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider =>
        {
            var fleet = FleetOptionsFrom(configureFleet);
            var node = new FleetNodeOptions();
            if (provider.GetService<IOptionsMonitor<FnPipelineOptions>>()?.CurrentValue is { } executor)
            {
                node.MaxInFlight = executor.MaxContainers;
                node.HotIdleTimeout = executor.Hot.IdleTimeout;
                node.EngineEndpoint = executor.DockerEndpoint ?? Environment.GetEnvironmentVariable("DOCKER_HOST");
            }

            configureNode?.Invoke(node);
            return new FleetNode(
                provider.GetRequiredService<IFnExecutor>(), fleet, node,
                provider.GetService<ILoggerFactory>(), provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<FleetNode>());
        return services;
    }

    /// <summary>
    /// Adds a <see cref="FleetExecutor"/> as the program's <see cref="IFnExecutor"/> (and as itself): calls go to the
    /// fleet instead of a local engine. The fleet's options come from the <c>FNPIPELINE_NATS_*</c> variables, then
    /// <paramref name="configureFleet"/>.
    /// </summary>
    public static IServiceCollection AddFnPipelineFleetClient(
        this IServiceCollection services, Action<FleetOptions>? configureFleet = null, Action<FleetClientOptions>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider =>
        {
            var client = new FleetClientOptions();
            configureClient?.Invoke(client);
            return new FleetExecutor(FleetOptionsFrom(configureFleet), client, provider.GetService<ILoggerFactory>(), provider.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<IFnExecutor>(provider => provider.GetRequiredService<FleetExecutor>());
        return services;
    }

    private static FleetOptions FleetOptionsFrom(Action<FleetOptions>? configure)
    {
        var fleet = new FleetOptions();
        FleetEnvironment.Apply(fleet);
        configure?.Invoke(fleet);
        return fleet;
    }
}
