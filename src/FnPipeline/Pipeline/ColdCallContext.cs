using FnPipeline.Driver;
using Microsoft.Extensions.ObjectPool;

namespace FnPipeline.Pipeline;

/// <summary>
/// The state one cold call carries through the stages. Pooled: <see cref="TryReset"/> clears it for the next call.
/// A context is owned by exactly one stage at a time, so it needs no locks; only <see cref="Complete"/> races with the
/// caller's cancellation and is guarded by the completion source.
/// </summary>
internal sealed class ColdCallContext : IResettable
{
    private readonly Action _onStarted;
    private readonly Action<TimeSpan> _onStartExpired;
    private TaskCompletionSource<InvocationResult>? _completion;
    private TimeProvider _time = TimeProvider.System;

    public ColdCallContext()
    {
        _onStarted = () => Clock?.Started(Timeout);
        _onStartExpired = DeliverStartTimeout;
    }

    /// <summary>The call with its limits resolved against the executor's defaults.</summary>
    public ResolvedCall Resolved { get; private set; } = null!;

    public FunctionCall Call { get; private set; } = null!;

    public ContainerSpec Spec { get; private set; } = null!;

    public string CallId { get; private set; } = "";

    public CancellationToken CallerToken { get; private set; }

    /// <summary>Fires on caller cancellation, executor shutdown, the start bound or (once started) the call's timeout.</summary>
    public CancellationTokenSource? Cancellation { get; set; }

    public CancellationToken Token => Cancellation?.Token ?? CallerToken;

    public IContainerHandle? Container { get; set; }

    public IRunningContainer? Running { get; set; }

    public StdoutSink? Stdout { get; set; }

    public StderrSink? Stderr { get; set; }

    /// <summary>
    /// The call's timings, recorded as it goes (the lifecycle's steps, the wait); stopped, and so final, when a result is
    /// made from them. The result of a success or a failure carries this instance; only cleanup sets its time later.
    /// </summary>
    public StageTimings Timings { get; private set; } = new();

    /// <summary>Set once the call has failed or finished; later stages pass it through to cleanup.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>The status delivered to the caller, once <see cref="IsFinished"/>.</summary>
    public InvocationStatus Status { get; private set; }

    /// <summary>Whether the call holds a place in the cold lane's container budget (released by cleanup).</summary>
    public bool HoldsContainerSlot { get; set; }

    public long EnqueuedAt { get; set; }

    /// <summary>The call's span, parent of the stage spans; null when tracing is off (stages run off the caller's flow).</summary>
    public System.Diagnostics.Activity? Activity { get; set; }

    /// <summary>Counted in the pipeline's queue (admitted, no container slot yet).</summary>
    public bool IsQueued { get; set; }

    public Task<InvocationResult> Result => _completion!.Task;

    /// <summary>
    /// Sets the call up at its submission: from now on the start bound runs (<paramref name="startTimeout"/>); the call's
    /// timeout replaces it once the engine's start returned (<see cref="OnStarted"/>).
    /// </summary>
    public void Initialize(
        ResolvedCall call,
        ContainerSpec spec,
        TimeSpan startTimeout,
        TimeProvider time,
        CancellationToken callerToken,
        CancellationToken shutdownToken)
    {
        Resolved = call;
        Call = call.Call;
        Spec = spec;
        CallId = call.CallId;
        CallerToken = callerToken;
        ShutdownToken = shutdownToken;
        Timeout = call.Timeout;
        _time = time;
        EnqueuedAt = time.GetTimestamp();
        Cancellation = CancellationTokenSource.CreateLinkedTokenSource(callerToken, shutdownToken);
        Timings = new StageTimings();
        Timings.Begin(EnqueuedAt);
        _completion = new TaskCompletionSource<InvocationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Clock = new CallClock(time, Cancellation, startTimeout, _onStartExpired);
    }

    /// <summary>The start bound, then the call's timeout.</summary>
    public CallClock? Clock { get; private set; }

    /// <summary>For the driver: called once the engine's start returned, so the call's timeout counts from there.</summary>
    public Action OnStarted => _onStarted;

    /// <summary>The call's timeout, counted from when the engine's start returned.</summary>
    public TimeSpan Timeout { get; private set; }

    /// <summary>Why the call's token fired, when neither the caller nor shutdown cancelled it.</summary>
    public CallPhase Phase => Clock?.Phase ?? CallPhase.Starting;

    public CancellationToken ShutdownToken { get; private set; }

    /// <summary>The call's time counts against <paramref name="stage"/> from now on.</summary>
    public void EnterStage(TimingStage stage) => Timings.Enter(stage, _time.GetTimestamp(), _time);

    /// <summary>A result that carries everything the call collected; the stdout buffer moves into it.</summary>
    public InvocationResult CreateResult(InvocationStatus status, FnError? error, long? exitCode = null) =>
        new(CallId, status, error, Stdout?.Detach(), FinalTimings())
        {
            ExitCode = exitCode,
            Stderr = Stderr?.Text() ?? "",
            Stats = Running is { } running ? [.. running.Stats] : [],
            ContainerId = Container?.Id,
        };

    /// <summary>
    /// A result for a call that is being killed (timeout, cancellation): stderr and stats so far, no stdout, since the
    /// container may still write to its buffer until the kill lands.
    /// </summary>
    public InvocationResult CreateAbortResult(InvocationStatus status, FnError error) =>
        new(CallId, status, error, output: null, FinalTimings())
        {
            Stderr = Stderr?.Text() ?? "",
            Stats = Running is { } running ? [.. running.Stats] : [],
            ContainerId = Container?.Id,
        };

    /// <summary>Delivers the result to the caller (once); later stages still clean up.</summary>
    public void Complete(InvocationResult result)
    {
        IsFinished = true;
        Status = result.Status;
        if (!_completion!.TrySetResult(result))
        {
            result.Dispose();
        }
    }

    /// <summary>Delivers an engine failure to the caller as an exception.</summary>
    public void Fail(Exception exception)
    {
        FinalTimings();
        IsFinished = true;
        Status = InvocationStatus.Error;
        _completion!.TrySetException(exception);
    }

    public bool TryReset()
    {
        // The clock first: after its disposal no timer callback can touch this context or its token source.
        Clock?.Dispose();
        Clock = null;
        Cancellation?.Dispose();
        Cancellation = null;
        Timeout = default;
        ShutdownToken = default;
        Container = null;
        Running = null;
        Activity = null;
        Stdout?.Dispose();
        Stderr?.Dispose();
        Stdout = null;
        Stderr = null;
        IsFinished = false;
        HoldsContainerSlot = false;
        IsQueued = false;
        Resolved = null!;
        Call = null!;
        Spec = null!;
        CallId = "";
        CallerToken = default;
        _completion = null;
        return true;
    }

    /// <summary>Stops the recording: from here on the call's figures do not change (cleanup's own aside).</summary>
    private StageTimings FinalTimings()
    {
        Timings.Stop(_time.GetTimestamp(), _time);
        return Timings;
    }

    /// <summary>
    /// The start bound expired (runs on the clock's timer, under its lock): answer the caller now, wherever the call
    /// is, even waiting in a stage's buffer. The stages then see the cancelled token, kill and remove as usual, and
    /// their own later result is discarded.
    /// </summary>
    private void DeliverStartTimeout(TimeSpan startTimeout)
    {
        // The figures so far, the running stage's included; everything outside a stage was waiting for one (the first
        // stage, a worker, a stage's bound, a container place).
        var timings = Timings.Snapshot(_time.GetTimestamp(), _time);
        var result = CallOutcomes.Result(CallId, InvocationStatus.Timeout, CallOutcomes.StartTimedOut(startTimeout, timings), timings);
        if (!_completion!.TrySetResult(result))
        {
            result.Dispose();
        }
    }
}
