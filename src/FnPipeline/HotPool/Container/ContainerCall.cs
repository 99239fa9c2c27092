namespace FnPipeline.HotPool;

/// <summary>
/// The running call on one container: its output capture and its cancellation, one source, reused across calls (reset after each), fired by
/// the call timer, the caller, or shutdown, whichever comes first (the first reason sticks). Cancellation is
/// requested under the lock but its callbacks run on the thread pool (<see cref="CancellationTokenSource.CancelAsync"/>),
/// never under it. One per container, so a call allocates nothing here.
/// </summary>
internal sealed class ContainerCall : IDisposable
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly HotContainerOutput _output;
    private readonly ITimer _timer;
    private CancellationTokenSource _source = new();
    private long _deadline;
    private bool _inCall;
    private CallAbortReason _abort;

    public ContainerCall(TimeProvider time, HotContainerOutput output)
    {
        _time = time;
        _output = output;
        _timer = time.CreateTimer(static s => ((ContainerCall)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Starts a call: its timeout counts from now. Returns the token that the exchange must observe.</summary>
    public CancellationToken Begin(string callId, TimeSpan timeout)
    {
        _output.BeginCall(callId);
        lock (_gate)
        {
            _inCall = true;
            _abort = CallAbortReason.None;
            _deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
            return _source.Token;
        }
    }

    /// <summary>Cancels the running call, if any, for <paramref name="reason"/> (the first reason sticks).</summary>
    public void Abort(CallAbortReason reason)
    {
        lock (_gate)
        {
            if (_inCall && _abort == CallAbortReason.None)
            {
                _abort = reason;
                _ = _source.CancelAsync();
            }
        }
    }

    /// <summary>Ends the call: why it was aborted (if it was) and the output the container wrote meanwhile.</summary>
    public (CallAbortReason Abort, string Output) End()
    {
        CallAbortReason abort;
        lock (_gate)
        {
            _inCall = false;
            abort = _abort;
            _abort = CallAbortReason.None;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (!_source.TryReset())
            {
                // Cancelled: its callbacks may still be running on the pool, so it is dropped rather than disposed.
                _source = new CancellationTokenSource();
            }
        }

        return (abort, _output.EndCall());
    }

    /// <summary>No timeout fires any more (removal began).</summary>
    public void StopTimer() => _timer.Dispose();

    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            // A call still running (only possible if removal raced a call's end) keeps its source alive.
            if (!_inCall)
            {
                _source.Dispose();
            }
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (!_inCall || _abort != CallAbortReason.None)
            {
                return;
            }

            var remaining = _deadline - _time.GetTimestamp();
            if (remaining > 0)
            {
                // Fired early (coarser timer clock) or for an earlier call: wait for the rest.
                _timer.Change(TimeSpan.FromSeconds((double)remaining / _time.TimestampFrequency), Timeout.InfiniteTimeSpan);
                return;
            }

            _abort = CallAbortReason.Timeout;
            _ = _source.CancelAsync();
        }
    }
}
