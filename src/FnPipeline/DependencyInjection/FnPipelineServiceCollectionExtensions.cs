using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using FnPipeline;

// Extension methods live in the namespace of what they extend, as the framework's own do.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers FnPipeline's executor in a service collection.</summary>
public static class FnPipelineServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="IFnExecutor"/> (and <see cref="FnExecutor"/>) configured by <paramref name="configure"/>.
    /// Options are validated once: when the host starts (<c>ValidateOnStart</c>), or else when the executor is created.
    /// </summary>
    public static IServiceCollection AddFnPipeline(this IServiceCollection services, Action<FnPipelineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<FnPipelineOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FnPipelineOptions>, FnPipelineOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // The monitor's value is the one ValidateOnStart validated (it caches it): it is not validated again.
        services.TryAddSingleton(provider => ExecutorFactory.CreateDocker(
            ExecutorSettings.FromValidated(provider.GetRequiredService<IOptionsMonitor<FnPipelineOptions>>().CurrentValue),
            provider.GetService<ILoggerFactory>(),
            provider.GetRequiredService<TimeProvider>(),
            // Hosts register one (AddMetrics); the meter is then the host's, as .NET's own meters are.
            provider.GetService<IMeterFactory>()));
        services.TryAddSingleton<IFnExecutor>(provider => provider.GetRequiredService<FnExecutor>());
        return services;
    }
}
