namespace FnPipeline.HotPool;

/// <summary>
/// The running call: one cancellation source per container, reused across calls (reset after each), fired by the
/// container's call timer, the caller, or shutdown, whichever comes first. Cancellation is requested under the lock
/// but its callbacks run on the thread pool (<see cref="CancellationTokenSource.CancelAsync"/>), never under it.
/// </summary>
internal sealed partial class HotContainer
{
    private readonly ITimer _callTimer;
    private CancellationTokenSource _callCts = new();
    private long _callDeadline;
    private bool _inCall;
    private CallAbortReason _abort;

    /// <summary>Starts a call: its timeout counts from now. Returns the token that the exchange must observe.</summary>
    public CancellationToken BeginCall(string callId, TimeSpan timeout)
    {
        Output.BeginCall(callId);
        lock (_gate)
        {
            _inCall = true;
            _abort = CallAbortReason.None;
            _callDeadline = _context.Time.GetTimestamp() + ToTimestampTicks(timeout);
            _callTimer.Change(timeout, Timeout.InfiniteTimeSpan);
            return _callCts.Token;
        }
    }

    /// <summary>Cancels the running call, if any, for <paramref name="reason"/> (the first reason sticks).</summary>
    public void AbortCall(CallAbortReason reason)
    {
        lock (_gate)
        {
            if (_inCall && _abort == CallAbortReason.None)
            {
                _abort = reason;
                _ = _callCts.CancelAsync();
            }
        }
    }

    /// <summary>Ends the call: why it was aborted (if it was) and the output the container wrote meanwhile.</summary>
    public (CallAbortReason Abort, string Output) EndCall()
    {
        CallAbortReason abort;
        lock (_gate)
        {
            _inCall = false;
            abort = _abort;
            _abort = CallAbortReason.None;
            _callTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (!_callCts.TryReset())
            {
                // Cancelled: its callbacks may still be running on the pool, so it is dropped rather than disposed.
                _callCts = new CancellationTokenSource();
            }
        }

        return (abort, Output.EndCall());
    }

    private void OnCallTimer()
    {
        lock (_gate)
        {
            if (!_inCall || _abort != CallAbortReason.None)
            {
                return;
            }

            var remaining = _callDeadline - _context.Time.GetTimestamp();
            if (remaining > 0)
            {
                // Fired early (coarser timer clock) or for an earlier call: wait for the rest.
                _callTimer.Change(TimeSpan.FromSeconds((double)remaining / _context.Time.TimestampFrequency), Timeout.InfiniteTimeSpan);
                return;
            }

            _abort = CallAbortReason.Timeout;
            _ = _callCts.CancelAsync();
        }
    }

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _context.Time.TimestampFrequency);
}
