namespace FnPipeline.Pipeline;

/// <summary>
/// The two clocks of one cold call, one after the other: the start bound (<see cref="FnPipelineOptions.StartTimeout"/>)
/// from submission until the engine's start returned, then the call's timeout from that moment. Whichever expires
/// cancels the call's token; <see cref="Phase"/> says which. One instance per call: a timer that fires late, after the
/// call ended and its context went back to the pool, finds the clock disposed and does nothing.
/// </summary>
internal sealed class CallClock : IDisposable
{
    // Guards the phase, the timer and disposal against the timer's callback.
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cancellation;
    private readonly Action<TimeSpan> _onStartExpired;
    private ITimer? _timer;
    private CallPhase _phase;
    private bool _disposed;

    /// <param name="time">The clock.</param>
    /// <param name="cancellation">Cancelled when either bound expires.</param>
    /// <param name="startTimeout">The start bound, counted from now.</param>
    /// <param name="onStartExpired">Runs (under the clock's lock, before the cancellation) when the start bound expires.</param>
    public CallClock(TimeProvider time, CancellationTokenSource cancellation, TimeSpan startTimeout, Action<TimeSpan> onStartExpired)
    {
        _time = time;
        _cancellation = cancellation;
        _onStartExpired = onStartExpired;
        StartTimeout = startTimeout;

        // Armed last: a tiny bound may fire before the constructor returns.
        _timer = time.CreateTimer(static state => ((CallClock)state!).Expire(CallPhase.Starting), this, startTimeout, Timeout.InfiniteTimeSpan);
    }

    public TimeSpan StartTimeout { get; }

    public CallPhase Phase
    {
        get
        {
            lock (_gate)
            {
                return _phase;
            }
        }
    }

    /// <summary>
    /// The engine's start returned: the start bound stops and the call's timeout begins. Does nothing when the start
    /// bound already expired (the call fails with it).
    /// </summary>
    public void Started(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_disposed || _phase != CallPhase.Starting)
            {
                return;
            }

            _phase = CallPhase.Running;
            _timer?.Dispose();
            _timer = _time.CreateTimer(static state => ((CallClock)state!).Expire(CallPhase.Running), this, timeout, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Expire(CallPhase armedIn)
    {
        lock (_gate)
        {
            // A start timer that fires while Started() replaces it finds the phase moved on: not a run timeout.
            if (_disposed || _phase != armedIn)
            {
                return;
            }

            _phase = armedIn == CallPhase.Starting ? CallPhase.StartExpired : CallPhase.TimedOut;
            if (_phase == CallPhase.StartExpired)
            {
                _onStartExpired(StartTimeout);
            }
        }

        // Outside the lock: cancellation runs the call's continuations inline. The source belongs to this call only;
        // once the call ended it is disposed, and there is nothing left to cancel.
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}

/// <summary>Where a cold call is between its two clocks.</summary>
internal enum CallPhase
{
    /// <summary>Queued, pulling, creating or starting: the start bound runs.</summary>
    Starting,

    /// <summary>The engine's start returned: the call's timeout runs.</summary>
    Running,

    /// <summary>The start bound expired before the engine's start returned.</summary>
    StartExpired,

    /// <summary>The call's timeout expired.</summary>
    TimedOut,
}
