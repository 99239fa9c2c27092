using FnPipeline.Diagnostics;
using FnPipeline.Driver;
using FnPipeline.Lifecycle;
using Microsoft.Extensions.Logging;

namespace FnPipeline.HotPool;

/// <summary>
/// The hot pool: runs http-stream calls on long-lived containers, one call per container at a time. A call's
/// function key picks its pool; the broker hands it a container (reused, launched, or waited for); the runner
/// exchanges the request and returns the container or replaces it. Disposal stops intake, drains in-flight calls up
/// to the drain timeout, then removes every container and socket directory it created.
/// </summary>
internal sealed partial class HotCallDispatcher : IHotCallDispatcher
{
    private readonly HotPoolContext _context;
    private readonly PoolRegistry _pools;
    private readonly ContainerKeeper _keeper;
    private readonly ContainerBroker _broker;
    private readonly HotCallRunner _runner;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _closed;
    private Task? _disposal;

    internal HotCallDispatcher(HotPoolContext context, ContainerLifecycle lifecycle)
    {
        _context = context;
        _pools = new PoolRegistry(context.Settings, context.Logger);
        _keeper = new ContainerKeeper(context, _pools);
        _broker = new ContainerBroker(context, _pools, new HotContainerLauncher(context, _keeper, lifecycle));
        _runner = new HotCallRunner(context, _broker);
    }

    /// <summary>Calls admitted and not finished (waiting for a container or running).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Calls waiting for a container (their own launch, a free container or room in a limit).</summary>
    public int Waiting => _broker.Waiting;

    /// <summary>Hot containers that exist now (starting, idle or busy), for tests and metrics.</summary>
    public int Containers => _keeper.Count;

    /// <summary>Function pools currently kept.</summary>
    public int Pools => _pools.Count;

    /// <summary>Hot containers idle in their pools' stacks now (an idle timer that removes one takes it off at once).</summary>
    public int Idle => _pools.IdleCount;

    /// <summary>Creates the hot pool the executor dispatches http-stream calls to.</summary>
    public static HotCallDispatcher Create(
        IContainerDriver driver,
        HotPoolSettings settings,
        ContainerSpecFactory specs,
        FnPipelineMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        ContainerLifecycle? lifecycle = null)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var context = new HotPoolContext(driver, settings, specs, metrics, time, loggerFactory.CreateLogger<HotCallDispatcher>(), loggerFactory.CreateLogger(FunctionLog.Category));
        // The executor passes the lifecycle it shares with the cold lane; a hot pool on its own (tests) gets its own,
        // with the default stage bounds.
        return new HotCallDispatcher(context, lifecycle ?? ContainerLifecycle.From(driver, new StageOptions(), metrics, time));
    }

    public async Task<InvocationResult> InvokeAsync(ResolvedCall resolved, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        var (call, callId) = (resolved.Call, resolved.CallId);
        var submitted = _context.Time.GetTimestamp();

        // Counted before the closed check, so that disposal either sees this call or this call sees disposal.
        Interlocked.Increment(ref _inFlight);
        InvocationResult? result = null;
        StageTimings? timings = null;
        var ran = false;
        Exception? thrown = null;
        try
        {
            if (Volatile.Read(ref _closed) != 0)
            {
                return result = Refused(callId, CallOutcomes.ShuttingDown());
            }

            // One state machine for the whole call: the key, the container, the exchange. The wait for a container is
            // bounded by the start bound; the call's timeout counts from when the request is sent.
            var acquisition = await AcquireAsync(resolved, cancellationToken).ConfigureAwait(false);
            timings = Timings(acquisition, submitted);
            if (acquisition.Container is not { } container)
            {
                return result = NoContainer(callId, acquisition, timings);
            }

            // The runner sets the run time before it makes the result: the timings are final when the caller gets them.
            ran = true;
            result = await _runner.RunAsync(container, resolved, timings, cancellationToken).ConfigureAwait(false);
            HotPoolLog.CallFinished(_context.Logger, callId, result.Status, container.ShortName);
            return result;
        }
        catch (Exception ex)
        {
            thrown = ex;
            throw;
        }
        finally
        {
            RecordStages(call, timings, ran);
            _context.Metrics.CallFinished(call, result, thrown, _context.Time.GetElapsedTime(submitted));
            if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _closed) != 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>
    /// The call's own stages on the stage-duration metric, for every outcome: queue, and run when it got a container.
    /// A launch's stages (image, create, start, socket) were recorded by the lifecycle and the launcher as they ran.
    /// </summary>
    private void RecordStages(FunctionCall call, StageTimings? timings, bool ran)
    {
        if (timings is null)
        {
            return;
        }

        var metrics = _context.Metrics;
        metrics.StageFinished(call, FnPipelineMetrics.QueueStage, timings.Queue);
        if (ran)
        {
            metrics.StageFinished(call, FnPipelineMetrics.RunStage, timings.Run);
        }
    }

    /// <summary>Takes a container for the call, under an <c>acquire</c> span when tracing is on (launch stages nest in it).</summary>
    private async ValueTask<Acquisition> AcquireAsync(ResolvedCall call, CancellationToken cancellationToken)
    {
        var key = FunctionKey.Compute(call);
        var startTimeout = _context.Settings.CallStartTimeout;
        if (CallActivity.CurrentCall() is null)
        {
            return await _broker.AcquireAsync(key, call, startTimeout, cancellationToken).ConfigureAwait(false);
        }

        using var span = CallActivity.StartStage(HotStageNames.Acquire);
        var acquisition = await _broker.AcquireAsync(key, call, startTimeout, cancellationToken).ConfigureAwait(false);
        span?.SetTag("fnpipeline.launched", acquisition.Launch is not null);
        if (acquisition.Error is { } error)
        {
            CallActivity.FailStage(span, CallActivity.ErrorTypeName(error.Kind));
        }

        return acquisition;
    }

    private InvocationResult NoContainer(string callId, in Acquisition acquisition, StageTimings timings)
    {
        if (acquisition.Error is null)
        {
            // The call's own launch outlasted the start bound: say where the time went.
            var error = CallOutcomes.StartTimedOut(_context.Settings.CallStartTimeout, timings);
            HotPoolLog.CallRefused(_context.Logger, callId, error.Message);
            return CallOutcomes.Result(callId, acquisition.Status, error, timings);
        }

        if (acquisition.Error.Kind == FnErrorKind.TooBusy)
        {
            HotPoolLog.CallRefused(_context.Logger, callId, acquisition.Error.Message);
        }

        // A failed launch of the call's own carries its stages; every other refusal its queue time.
        return CallOutcomes.Result(callId, acquisition.Status, acquisition.Error, timings);
    }

    /// <summary>Queue is the wait for a container minus the stages of a launch this call went through.</summary>
    private StageTimings Timings(in Acquisition acquisition, long submitted)
    {
        var timings = new StageTimings();
        var launched = TimeSpan.Zero;
        if (acquisition.Launch is { } launch)
        {
            timings.Image = launch.Image;
            timings.Create = launch.Create;
            timings.AttachStart = launch.AttachStart;
            timings.SocketWait = launch.SocketWait;
            launched = launch.Image + launch.Create + launch.AttachStart + launch.SocketWait;
        }

        var waited = _context.Time.GetElapsedTime(submitted) - launched;
        timings.Queue = waited > TimeSpan.Zero ? waited : TimeSpan.Zero;
        return timings;
    }

    private InvocationResult Refused(string callId, FnError error)
    {
        HotPoolLog.CallRefused(_context.Logger, callId, error.Message);
        return CallOutcomes.Result(callId, InvocationStatus.Error, error);
    }
}
