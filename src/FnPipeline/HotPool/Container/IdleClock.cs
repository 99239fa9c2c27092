namespace FnPipeline.HotPool;

/// <summary>What an idle container does when its idle timer fires.</summary>
internal enum IdleStep
{
    /// <summary>Early (timer resolution) or stale: the timer is re-armed for the next threshold.</summary>
    Wait,

    /// <summary>Idle for <see cref="HotPoolSettings.PauseAfter"/>: pause it (the timer is re-armed for the idle timeout).</summary>
    Pause,

    /// <summary>Idle for its idle timeout: remove it.</summary>
    Remove,
}

/// <summary>
/// An idle container's clock: since when it is idle and one timer, re-armed (never re-created) per idle period, that
/// fires at the pause threshold and the idle timeout. A callback that arrives late or early re-checks the elapsed
/// time, so stale timers do no harm. Not thread-safe: the container's <see cref="ContainerStateMachine"/> uses it under its lock.
/// </summary>
internal sealed class IdleClock : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan? _pauseAfter;
    private readonly ITimer _timer;

    public IdleClock(TimeProvider time, TimeSpan idleTimeout, TimeSpan? pauseAfter, TimerCallback onDue, object state)
    {
        _time = time;
        IdleTimeout = idleTimeout;
        _pauseAfter = pauseAfter is { } pause && pause < idleTimeout ? pause : null;
        _timer = time.CreateTimer(onDue, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeSpan IdleTimeout { get; }

    private long _since;

    /// <summary>When the container became idle (a <see cref="TimeProvider"/> timestamp); readable without the lock.</summary>
    public long Since => Volatile.Read(ref _since);

    /// <summary>The container became idle now.</summary>
    public void Start()
    {
        Volatile.Write(ref _since, _time.GetTimestamp());
        _timer.Change(_pauseAfter ?? IdleTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The container was claimed: no step is due.</summary>
    public void Stop() => _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    /// <summary>The step due now; re-arms the timer for the next threshold unless the container is to be removed.</summary>
    /// <param name="pausedOrPausing">The container is paused or a pause is under way (no second pause).</param>
    /// <param name="idleFor">How long the container has been idle.</param>
    public IdleStep Next(bool pausedOrPausing, out TimeSpan idleFor)
    {
        idleFor = _time.GetElapsedTime(Since);
        if (idleFor >= IdleTimeout)
        {
            return IdleStep.Remove;
        }

        if (_pauseAfter is { } pauseAfter && idleFor >= pauseAfter && !pausedOrPausing)
        {
            _timer.Change(IdleTimeout - idleFor, Timeout.InfiniteTimeSpan);
            return IdleStep.Pause;
        }

        var next = pausedOrPausing || _pauseAfter is null ? IdleTimeout : _pauseAfter.Value;
        _timer.Change(next - idleFor, Timeout.InfiniteTimeSpan);
        return IdleStep.Wait;
    }

    public void Dispose() => _timer.Dispose();
}
