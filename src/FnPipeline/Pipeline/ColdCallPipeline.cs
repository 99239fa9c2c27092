using System.Threading.Tasks.Dataflow;
using FnPipeline.Diagnostics;
using FnPipeline.Driver;
using FnPipeline.Lifecycle;
using FnPipeline.Pipeline.Stages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;

namespace FnPipeline.Pipeline;

/// <summary>
/// Default-format calls flow through five bounded Dataflow blocks: ensure-image → create-container →
/// attach-and-start → wait → cleanup. Each block has its own parallelism and capacity, so a full stage makes the one
/// before it wait (backpressure) down to the caller; calls past the queue limit are refused at once. The container's
/// steps are the shared <see cref="ContainerLifecycle"/>'s (its gates bound cold and hot work together).
/// </summary>
internal sealed class ColdCallPipeline : IAsyncDisposable
{
    private readonly ContainerSpecFactory _specs;
    private readonly ContainerBudget _budget;
    private readonly AdmissionQueue _queue;
    private readonly FnPipelineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ObjectPool<ColdCallContext> _contexts;
    private readonly TimeSpan _startTimeout;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TransformBlock<ColdCallContext, ColdCallContext> _head;
    private readonly ActionBlock<ColdCallContext> _cleanup;
    private int _inFlight;
    private int _closed;

    public ColdCallPipeline(
        ContainerLifecycle lifecycle,
        ColdLaneSettings settings,
        ContainerSpecFactory specs,
        FnPipelineMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _specs = specs;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _startTimeout = settings.StartTimeout;
        _budget = new ContainerBudget(settings.MaxContainers);
        _queue = new AdmissionQueue(settings.MaxQueuedCalls, metrics);
        _contexts = new DefaultObjectPool<ColdCallContext>(
            new DefaultPooledObjectPolicy<ColdCallContext>(), settings.MaxContainers + settings.BufferPerStage * 5);

        var stages = settings;
        _head = StageBlock(new EnsureImageStage(lifecycle), stages.ImageParallelism, stages.BufferPerStage);
        var create = StageBlock(new CreateContainerStage(lifecycle, _budget), stages.CreateParallelism, stages.BufferPerStage);
        var start = StageBlock(new AttachStartStage(lifecycle), stages.StartParallelism, stages.BufferPerStage);
        var wait = StageBlock(new WaitStage(), stages.RunParallelism, stages.BufferPerStage);
        var cleanupStage = new CleanupStage(_budget, metrics, time, logger);
        _cleanup = new ActionBlock<ColdCallContext>(
            context => CleanupAsync(cleanupStage, context),
            new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = stages.CleanupParallelism,
                BoundedCapacity = stages.CleanupParallelism + stages.BufferPerStage,
                EnsureOrdered = false,
            });

        var link = new DataflowLinkOptions { PropagateCompletion = true };
        _head.LinkTo(create, link);
        create.LinkTo(start, link);
        start.LinkTo(wait, link);
        wait.LinkTo(_cleanup, link);
    }

    /// <summary>Containers that exist now (created, not yet removed).</summary>
    public int ContainersInUse => _budget.Used;

    /// <summary>Calls admitted and not yet holding a container.</summary>
    public int QueuedCalls => _queue.Queued;

    /// <summary>Completes when every stage has finished, after disposal.</summary>
    public Task Completion => _cleanup.Completion;

    public async Task<InvocationResult> InvokeAsync(ResolvedCall resolved, CancellationToken cancellationToken)
    {
        var (call, callId) = (resolved.Call, resolved.CallId);
        var submitted = _time.GetTimestamp();
        if (Volatile.Read(ref _closed) != 0)
        {
            return CallOutcomes.Result(callId, InvocationStatus.Error, CallOutcomes.ShuttingDown());
        }

        if (!_queue.TryEnqueue())
        {
            PipelineLog.CallRefused(_logger, callId, "queue limit reached");
            return CallOutcomes.Result(callId, InvocationStatus.Error, CallOutcomes.TooBusy(
                $"no place in the queue for a call of {CallOutcomes.Subject(call)}: {_queue.Queued} calls already wait for a container (MaxQueuedCalls)"));
        }

        var context = _contexts.Get();
        context.Initialize(resolved, _specs.ForColdCall(resolved), _startTimeout, _time, cancellationToken, _shutdown.Token);
        context.IsQueued = true;
        context.Activity = CallActivity.CurrentCall();
        var result = context.Result;
        var timings = context.Timings;
        Interlocked.Increment(ref _inFlight);
        bool accepted;
        try
        {
            accepted = await _head.SendAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            accepted = false;
        }

        if (!accepted)
        {
            var status = cancellationToken.IsCancellationRequested ? InvocationStatus.Cancelled : InvocationStatus.Error;
            var error = status == InvocationStatus.Cancelled ? CallOutcomes.Cancelled() : CallOutcomes.ShuttingDown();
            context.Complete(context.CreateResult(status, error));
            Release(context);
        }

        InvocationResult outcome;
        try
        {
            outcome = await result.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // An engine failure is thrown to the caller, and still a finished call for the counters (its timings
            // stopped when the failure was delivered).
            _metrics.StageFinished(call, FnPipelineMetrics.QueueStage, timings.Queue);
            _metrics.CallFinished(call, null, ex, _time.GetElapsedTime(submitted));
            throw;
        }

        // Every outcome's queue time, from the figures the caller gets (final: the result was made from them).
        _metrics.StageFinished(call, FnPipelineMetrics.QueueStage, outcome.Timings.Queue);
        _metrics.CallFinished(call, outcome, null, _time.GetElapsedTime(submitted));
        return outcome;
    }

    public async ValueTask DisposeAsync(TimeSpan drainTimeout)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _head.Complete();
        using var drain = new CancellationTokenSource(drainTimeout, _time);
        try
        {
            await _cleanup.Completion.WaitAsync(drain.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            PipelineLog.DrainTimedOut(_logger, drainTimeout);
            await _shutdown.CancelAsync().ConfigureAwait(false);
            await _cleanup.Completion.ConfigureAwait(false);
        }

        _shutdown.Dispose();
        _budget.Dispose();
    }

    public ValueTask DisposeAsync() => DisposeAsync(TimeSpan.FromSeconds(30));

    public int InFlight => Volatile.Read(ref _inFlight);

    private TransformBlock<ColdCallContext, ColdCallContext> StageBlock(IColdStage stage, int parallelism, int buffer) =>
        new(context => RunStageAsync(stage, context), new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = parallelism,
            BoundedCapacity = parallelism + buffer,
            // A slow call must not hold back the ones behind it.
            EnsureOrdered = false,
        });

    private async Task<ColdCallContext> RunStageAsync(IColdStage stage, ColdCallContext context)
    {
        if (context.IsFinished)
        {
            return context;
        }

        var span = CallActivity.StartStage(stage.Name, context.Activity);
        Exception? failure = null;
        try
        {
            context.Token.ThrowIfCancellationRequested();
            await stage.ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        CallActivity.EndStage(span, failure);
        switch (failure)
        {
            case null:
                break;
            case OperationCanceledException when context.Token.IsCancellationRequested:
                await FinishCancelledAsync(context).ConfigureAwait(false);
                break;
            case FnCallException ex:
                context.Complete(context.CreateResult(InvocationStatus.Error, ex.Error));
                break;
            case FnConfigurationException:
                // The host's configuration, not the engine, is at fault: the caller gets it as it is.
                context.Fail(failure);
                break;
            default:
                PipelineLog.EngineFailure(_logger, context.CallId, stage.Name, failure);
                context.Fail(new FnEngineException($"The engine failed in stage {stage.Name} for image '{context.Call.Image}': {failure.Message}", failure));
                break;
        }

        if (stage is WaitStage)
        {
            // The container's steps recorded theirs in the lifecycle; the run ended with the result (timings stopped).
            _metrics.StageFinished(context.Call, FnPipelineMetrics.RunStage, context.Timings.Run);
        }

        if (context.IsQueued && (context.HoldsContainerSlot || context.IsFinished))
        {
            context.IsQueued = false;
            _queue.Dequeue();
        }

        if (context.IsFinished)
        {
            PipelineLog.CallFinished(_logger, context.CallId, context.Status, stage.Name);
        }

        return context;
    }

    /// <summary>
    /// Timeout, start timeout or cancellation: answer the caller first, then kill the container (removal follows in
    /// cleanup). The answer never waits for the engine: a hung kill cannot stretch a timeout.
    /// </summary>
    private async Task FinishCancelledAsync(ColdCallContext context)
    {
        var (status, error) = context.CallerToken.IsCancellationRequested
            ? (InvocationStatus.Cancelled, CallOutcomes.Cancelled())
            : context.ShutdownToken.IsCancellationRequested
                ? (InvocationStatus.Error, CallOutcomes.ShuttingDown())
                : context.Phase == CallPhase.TimedOut
                    ? (InvocationStatus.Timeout, CallOutcomes.Timeout(context.Timeout))
                    : (InvocationStatus.Timeout, CallOutcomes.StartTimedOut(context.Clock!.StartTimeout, context.Timings));

        // A start timeout was already answered by the clock; this result then goes unused (and is disposed).
        context.Complete(context.CreateAbortResult(status, error));
        if (context.Container is { } container)
        {
            try
            {
                await container.KillAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                PipelineLog.KillFailed(_logger, container.Id, context.CallId, ex);
            }
        }
    }

    private async Task CleanupAsync(CleanupStage stage, ColdCallContext context)
    {
        // The call's span may already have ended (the caller had its result): the removal still shows under it.
        using (CallActivity.StartStage(CleanupStage.Name, context.Activity))
        {
            await stage.ExecuteAsync(context).ConfigureAwait(false);
        }

        if (!context.IsFinished)
        {
            context.Fail(new InvalidOperationException($"Call {context.CallId} reached cleanup without a result."));
        }

        Release(context);
    }

    private void Release(ColdCallContext context)
    {
        if (context.IsQueued)
        {
            context.IsQueued = false;
            _queue.Dequeue();
        }

        Interlocked.Decrement(ref _inFlight);
        _contexts.Return(context);
    }
}
