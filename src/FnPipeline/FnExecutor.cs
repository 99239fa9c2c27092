using System.Diagnostics.Metrics;
using FnPipeline.Diagnostics;
using FnPipeline.Driver;
using FnPipeline.HotPool;
using FnPipeline.Streaming;
using FnPipeline.Lifecycle;
using FnPipeline.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline;

/// <summary>
/// The embeddable executor: default-format calls go through the cold Dataflow pipeline, http-stream calls to the
/// hot container pool. Create with <see cref="Create"/> or <c>services.AddFnPipeline(...)</c>; dispose to drain
/// in-flight calls and remove every container it created.
/// </summary>
public sealed class FnExecutor : IFnExecutor, IDisposable
{
    private readonly IContainerDriver _driver;
    private readonly ExecutorSettings _settings;
    private readonly ColdCallPipeline _cold;
    private readonly IHotCallDispatcher _hot;
    private readonly CallLanes _lanes;
    private readonly DriverStartup _startup;
    private readonly FnPipelineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _disposal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    /// <summary>For tests: validates and resolves <paramref name="options"/>, then as the constructor below.</summary>
    internal FnExecutor(
        FnPipelineOptions options,
        IContainerDriver driver,
        Func<ContainerSpecFactory, FnPipelineMetrics, IHotCallDispatcher>? hotFactory,
        ILoggerFactory? loggerFactory,
        TimeProvider? timeProvider,
        FnPipelineMetrics? metrics = null)
        : this(ExecutorSettings.Resolve(options), driver, hotFactory, loggerFactory, timeProvider, metrics)
    {
    }

    /// <summary>
    /// An executor on <paramref name="driver"/>, which must have been made from the same <paramref name="settings"/>
    /// (one instance id for the executor, its container names and the driver's labels).
    /// </summary>
    internal FnExecutor(
        ExecutorSettings settings,
        IContainerDriver driver,
        Func<ContainerSpecFactory, FnPipelineMetrics, IHotCallDispatcher>? hotFactory,
        ILoggerFactory? loggerFactory,
        TimeProvider? timeProvider,
        FnPipelineMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(driver);
        var logs = loggerFactory ?? NullLoggerFactory.Instance;
        var time = timeProvider ?? TimeProvider.System;
        _settings = settings;
        _driver = driver;
        _logger = logs.CreateLogger<FnExecutor>();
        _metrics = metrics ?? new FnPipelineMetrics();

        // The containers gauge is the removal queue's tracked set: created until the engine confirms them gone.
        driver.Tracker.CountChanged = _metrics.ContainersChanged;
        InstanceId = settings.InstanceId;
        var specs = new ContainerSpecFactory(settings);
        // One lifecycle for both lanes: its stage gates bound cold and hot pulls, creates and starts together.
        var cold = settings.Cold;
        var lifecycle = new ContainerLifecycle(driver, cold.ImageParallelism, cold.CreateParallelism, cold.StartParallelism, _metrics, time);
        _cold = new ColdCallPipeline(lifecycle, cold, specs, _metrics, time, _logger);
        hotFactory ??= (s, m) => HotCallDispatcher.Create(driver, settings.Hot, s, m, time, logs, lifecycle);
        _hot = hotFactory(specs, _metrics);
        _startup = new DriverStartup(driver);
        var coldStderr = new ColdStderrLog(logs.CreateLogger(FunctionLog.Category), time);
        _lanes = new CallLanes(_startup, _cold, _hot, coldStderr, _metrics, time, _logger);
        PipelineLog.ExecutorStarted(_logger, InstanceId, settings.Cold.MaxContainers, settings.Cold.MaxQueuedCalls);
    }

    /// <inheritdoc />
    public string InstanceId { get; }

    /// <summary>Containers the cold pipeline holds now (created and not yet removed).</summary>
    public int ColdContainersInUse => _cold.ContainersInUse;

    /// <summary>Cold calls admitted and not yet holding a container (for tests).</summary>
    internal int ColdQueuedCalls => _cold.QueuedCalls;

    /// <summary>
    /// Creates an executor on the Docker engine that <paramref name="options"/> names. Validates the options, copies them
    /// (later edits do not reach the executor) and checks that the directories and files they name are usable. Its meter
    /// <see cref="FnPipelineMeter.Name"/> comes from <paramref name="meterFactory"/> (a host's, from DI) when given.
    /// </summary>
    public static FnExecutor Create(
        FnPipelineOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        return ExecutorFactory.CreateDocker(ExecutorSettings.Resolve(options), loggerFactory, timeProvider ?? TimeProvider.System, meterFactory);
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default) => _startup.EnsureStartedAsync(cancellationToken);

    /// <inheritdoc />
    public Task<InvocationResult> InvokeAsync(FunctionCall functionCall, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(functionCall);
        FunctionCallValidator.ThrowIfInvalid(functionCall);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _lanes.InvokeAsync(Resolve(functionCall), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StreamingInvocation> InvokeStreamingAsync(FunctionCall functionCall, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(functionCall);
        FunctionCallValidator.ThrowIfInvalid(functionCall);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var resolved = Resolve(functionCall);
        var streamer = new OutputStreamer(CallOutcomes.Subject(functionCall));
        resolved.Streamer = streamer;

        // The handle's own source: disposing a handle whose output was not read to its end cancels the call.
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var completion = _lanes.RunStreamingAsync(resolved, streamer, cancellation.Token);
        await Task.WhenAny(streamer.Head, completion).ConfigureAwait(false);
        if (streamer.Head.IsCompleted)
        {
            return StreamingInvocation.Streaming(resolved.CallId, streamer.Head.Result, streamer.Reader, completion, cancellation);
        }

        // Ended before any output: the buffered result (an engine failure throws here, as from InvokeAsync).
        cancellation.Dispose();
        return StreamingInvocation.Ended(await completion.ConfigureAwait(false));
    }

    private ResolvedCall Resolve(FunctionCall call) =>
        _settings.Calls.Resolve(call, string.IsNullOrEmpty(call.CallId) ? Guid.CreateVersion7().ToString("N") : call.CallId);

    /// <summary>
    /// Stops intake, drains in-flight calls (up to <see cref="FnPipelineOptions.DrainTimeout"/>; the calls still running
    /// then are cut and answered 503 "shutting down"), removes every container. A second call waits for the first.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _ = DisposeOnceAsync();
        }

        return new ValueTask(_disposal.Task);
    }

    /// <summary>
    /// For hosts that dispose synchronously (a service provider's <c>Dispose</c>): starts the shutdown of
    /// <see cref="DisposeAsync"/> without waiting for it, since blocking on it could deadlock. Intake stops at once;
    /// draining and container removal continue in the background and finish only if the process lives on (what a
    /// process exit cuts short is removed by the next executor's orphan reaping). Prefer <see cref="DisposeAsync"/>.
    /// </summary>
    public void Dispose()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var disposal = DisposeAsync();
        if (disposal.IsCompleted)
        {
            return;
        }

        PipelineLog.DisposedSynchronously(_logger, InstanceId);
        _ = disposal.AsTask().ContinueWith(
            static (task, state) =>
            {
                var executor = (FnExecutor)state!;
                PipelineLog.BackgroundDisposalFailed(executor._logger, executor.InstanceId, task.Exception!.GetBaseException());
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task DisposeOnceAsync()
    {
        try
        {
            await DisposeCoreAsync().ConfigureAwait(false);
            _disposal.TrySetResult();
        }
        catch (Exception ex)
        {
            _disposal.TrySetException(ex);
        }
    }

    private async Task DisposeCoreAsync()
    {
        PipelineLog.Draining(_logger, InstanceId, _cold.InFlight);
        var drain = _settings.DrainTimeout;
        var hot = _hot.DisposeAsync(drain).AsTask();
        await _cold.DisposeAsync(drain).ConfigureAwait(false);
        await hot.ConfigureAwait(false);
        await _driver.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
        _startup.Dispose();
        PipelineLog.ExecutorStopped(_logger, InstanceId);
    }
}
