using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using FnPipeline;
using FnPipeline.DependencyInjection;

// Extension methods live in the namespace of what they extend, as the framework's own do.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers FnPipeline's executor in a service collection.</summary>
public static class FnPipelineServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="IFnExecutor"/> (and <see cref="FnExecutor"/>) configured by the <c>FNPIPELINE_*</c>
    /// environment variables, then <paramref name="configure"/> (which wins). Options are validated once: when the host
    /// starts (<c>ValidateOnStart</c>), or else when the executor is created.
    /// Also registers the health check <c>fnpipeline-engine</c> (the engine probe: reachable, TLS, API version) and a
    /// hosted start-up check that fails the host's start with the engine's problem unless
    /// <see cref="FnPipelineOptions.CheckEngineOnStart"/> is false.
    /// </summary>
    // RS0027 wants the overload with an optional parameter to be the longest; the section overload is as long, and no
    // call can be ambiguous between them (an Action and an IConfiguration), so AddFnPipeline() keeps its shape.
#pragma warning disable RS0027
    public static IServiceCollection AddFnPipeline(this IServiceCollection services, Action<FnPipelineOptions>? configure = null) =>
        AddFnPipelineCore(services, section: null, configure, Environment.GetEnvironmentVariable);
#pragma warning restore RS0027

    /// <summary>
    /// Adds the executor as <see cref="AddFnPipeline(IServiceCollection, Action{FnPipelineOptions}?)"/> does, its options
    /// read first from <paramref name="section"/> (e.g. <c>builder.Configuration.GetSection("FnPipeline")</c>), then the
    /// <c>FNPIPELINE_*</c> environment variables; a later <c>services.Configure&lt;FnPipelineOptions&gt;(...)</c> wins over
    /// both. Durations in the section are written
    /// with a unit (<c>"500ms"</c>, <c>"30s"</c>, <c>"2m"</c>, <c>"1h"</c>) or as <c>hh:mm:ss</c>; a bare number, an
    /// unknown key or a malformed value fails the host's start with an <see cref="OptionsValidationException"/> naming
    /// the key (docs/embedding.md).
    /// </summary>
    public static IServiceCollection AddFnPipeline(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddFnPipelineCore(services, section, configure: null, Environment.GetEnvironmentVariable);
    }

    /// <summary>Both overloads; tests pass their own environment.</summary>
    internal static IServiceCollection AddFnPipelineCore(
        IServiceCollection services, IConfiguration? section, Action<FnPipelineOptions>? configure, Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Precedence, lowest first (each step overwrites what it sets): defaults, the section, FNPIPELINE_*, code.
        var builder = services.AddOptions<FnPipelineOptions>();
        if (section is not null)
        {
            builder.Configure(options => FnPipelineConfigurationBinder.Bind(section, options));
        }

        builder.Configure(options => FnPipelineEnvironment.Apply(options, getVariable));
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
        // The engine's health check ("fnpipeline-engine") and, under a Generic Host, its start-up check.
        FnPipeline.DependencyInjection.EngineChecks.Add(services, startupCheck: true);
        return services;
    }
}
