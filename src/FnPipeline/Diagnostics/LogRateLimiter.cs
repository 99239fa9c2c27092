namespace FnPipeline.Diagnostics;

/// <summary>
/// A token bucket over log lines, one per container: <see cref="Burst"/> lines at once, then
/// <see cref="LinesPerSecond"/>. Lines past it are counted, and the count is handed to the first line let through once
/// the bucket refills (or to <see cref="TakeDropped"/> at the container's end), so the log says how many were lost.
/// </summary>
internal sealed class LogRateLimiter
{
    /// <summary>Default rate: enough for chatty functions, bounded so one container cannot flood the log.</summary>
    public const int DefaultLinesPerSecond = 100;

    /// <summary>Default burst: a stack trace or a start-up banner passes whole.</summary>
    public const int DefaultBurst = 200;

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private double _tokens;
    private long _refilledAt;
    private long _dropped;

    public LogRateLimiter(TimeProvider time, int linesPerSecond = DefaultLinesPerSecond, int burst = DefaultBurst)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(linesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _time = time;
        LinesPerSecond = linesPerSecond;
        Burst = burst;
        _tokens = burst;
        _refilledAt = time.GetTimestamp();
    }

    public int LinesPerSecond { get; }

    public int Burst { get; }

    /// <summary>
    /// Takes a token for one line. <c>true</c>: log it, after reporting <paramref name="droppedBefore"/> lines dropped
    /// since the last line let through (0 when none). <c>false</c>: the line is dropped and counted.
    /// </summary>
    public bool TryAcquire(out long droppedBefore)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(Burst, _tokens + (_time.GetElapsedTime(_refilledAt, now).TotalSeconds * LinesPerSecond));
            _refilledAt = now;
            if (_tokens < 1)
            {
                _dropped++;
                droppedBefore = 0;
                return false;
            }

            _tokens -= 1;
            droppedBefore = _dropped;
            _dropped = 0;
            return true;
        }
    }

    /// <summary>The lines dropped and not yet reported; resets the count.</summary>
    public long TakeDropped()
    {
        lock (_gate)
        {
            var dropped = _dropped;
            _dropped = 0;
            return dropped;
        }
    }
}
