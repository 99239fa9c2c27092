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
    private TaskCompletionSource<InvocationResult>? _completion;
    private ITimer? _timeoutTimer;

    public FunctionCall Call { get; private set; } = null!;

    public ContainerSpec Spec { get; private set; } = null!;

    public string CallId { get; private set; } = "";

    public CancellationToken CallerToken { get; private set; }

    /// <summary>Fires on caller cancellation, executor shutdown, or (once started) the call's timeout.</summary>
    public CancellationTokenSource? Cancellation { get; set; }

    public CancellationToken Token => Cancellation?.Token ?? CallerToken;

    public IContainerHandle? Container { get; set; }

    public IRunningContainer? Running { get; set; }

    public StdoutSink? Stdout { get; set; }

    public StderrSink? Stderr { get; set; }

    public StageTimings Timings { get; private set; } = new();

    /// <summary>Set once the call has failed or finished; later stages pass it through to cleanup.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>The status delivered to the caller, once <see cref="IsFinished"/>.</summary>
    public InvocationStatus Status { get; private set; }

    /// <summary>Whether the call holds one of the pipeline's container slots (released by cleanup).</summary>
    public bool HoldsContainerSlot { get; set; }

    public long EnqueuedAt { get; set; }

    /// <summary>Counted in the pipeline's queue (admitted, no container slot yet).</summary>
    public bool IsQueued { get; set; }

    public Task<InvocationResult> Result => _completion!.Task;

    public void Initialize(FunctionCall call, ContainerSpec spec, string callId, CancellationToken callerToken, CancellationToken shutdownToken)
    {
        Call = call;
        Spec = spec;
        CallId = callId;
        CallerToken = callerToken;
        ShutdownToken = shutdownToken;
        Cancellation = CancellationTokenSource.CreateLinkedTokenSource(callerToken, shutdownToken);
        Timings = new StageTimings();
        _completion = new TaskCompletionSource<InvocationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Starts the call's timeout: from now on <see cref="Token"/> also fires when it passes.</summary>
    public void StartTimeout(TimeSpan timeout, TimeProvider time)
    {
        Timeout = timeout;
        var cancellation = Cancellation!;
        _timeoutTimer = time.CreateTimer(static state => ((CancellationTokenSource)state!).Cancel(), cancellation, timeout, System.Threading.Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Timeout { get; private set; }

    /// <summary>Whether the timeout (not the caller or shutdown) cancelled the call.</summary>
    public bool TimedOut => Token.IsCancellationRequested && !CallerToken.IsCancellationRequested && !ShutdownToken.IsCancellationRequested;

    public CancellationToken ShutdownToken { get; private set; }

    /// <summary>A result that carries everything the call collected; the stdout buffer moves into it.</summary>
    public InvocationResult CreateResult(InvocationStatus status, FnError? error, long? exitCode = null) =>
        new(CallId, status, error, Stdout?.Detach(), Timings)
        {
            ExitCode = exitCode,
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
        IsFinished = true;
        Status = InvocationStatus.Error;
        _completion!.TrySetException(exception);
    }

    public bool TryReset()
    {
        _timeoutTimer?.Dispose();
        _timeoutTimer = null;
        Cancellation?.Dispose();
        Cancellation = null;
        Timeout = default;
        ShutdownToken = default;
        Container = null;
        Running = null;
        Stdout?.Dispose();
        Stderr?.Dispose();
        Stdout = null;
        Stderr = null;
        IsFinished = false;
        HoldsContainerSlot = false;
        IsQueued = false;
        Call = null!;
        Spec = null!;
        CallId = "";
        CallerToken = default;
        _completion = null;
        return true;
    }
}
