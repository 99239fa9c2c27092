using FnPipeline.Diagnostics;
using FnPipeline.Driver;
using FnPipeline.Lifecycle;
using FnPipeline.Protocol;
using Microsoft.Extensions.Logging;

namespace FnPipeline.HotPool;

/// <summary>What the parts of the hot pool share: engine, settings, time, log, budget and the shutdown signal.</summary>
internal sealed class HotPoolContext : IDisposable
{
    private readonly CancellationTokenSource _shutdown = new();

    public HotPoolContext(
        IContainerDriver driver,
        HotPoolSettings settings,
        ContainerSpecFactory specs,
        FnPipelineMetrics metrics,
        TimeProvider time,
        ILogger logger,
        ILogger? functionLogger = null)
    {
        Driver = driver;
        Settings = settings;
        Specs = specs;
        Metrics = metrics;
        Time = time;
        Logger = logger;
        Budget = new ContainerBudget(settings.MaxContainers);
        Starts = new LaunchSlots(settings.MaxConcurrentStarts);
        OutputLog = new ContainerOutputLog(functionLogger ?? logger, logger);
        ClientOptions = new HttpStreamClientOptions
        {
            MaxResponseHeaderBytes = settings.MaxResponseHeaderBytes,
            ConnectTimeout = settings.StartTimeout,
        };
    }

    public IContainerDriver Driver { get; }

    public HotPoolSettings Settings { get; }

    public ContainerSpecFactory Specs { get; }

    public FnPipelineMetrics Metrics { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public ContainerBudget Budget { get; }

    /// <summary>Launches in flight, all functions together (<see cref="HotPoolOptions.MaxConcurrentStarts"/>).</summary>
    public LaunchSlots Starts { get; }

    public ContainerOutputLog OutputLog { get; }

    public HttpStreamClientOptions ClientOptions { get; }

    public BackgroundWork Background { get; } = new();

    /// <summary>Fires when the drain is over: launches, waits and running calls stop.</summary>
    public CancellationToken ShutdownToken => _shutdown.Token;

    public Task ShutdownAsync() => _shutdown.CancelAsync();

    public void Dispose()
    {
        _shutdown.Dispose();
    }
}
