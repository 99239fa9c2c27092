using FnPipeline.Fleet.Wire;

namespace FnPipeline.Fleet.Node;

/// <summary>
/// What a running call's caller hears while the call runs (docs/fleet.md, "Synchronous replies"): "accepted" once the call
/// has run <see cref="FleetNodeOptions.AcceptedAfter"/>, then "working" every <see cref="FleetNodeOptions.HeartbeatInterval"/>,
/// from one timer (no task, no token per call). A call that ends before the first tick costs its caller no message at all:
/// the outcome is its first and only reply. Disposing stops the ticks (one already under way may still go out: the
/// client drops replies to a call it has answered).
/// </summary>
internal sealed class CallKeepAlive : IDisposable
{
    private readonly NodeReplies _replies;
    private readonly string _replyTo;
    private readonly ITimer _timer;
    private int _ticks;

    private CallKeepAlive(NodeReplies replies, string replyTo, TimeProvider time, TimeSpan firstTick, TimeSpan interval)
    {
        _replies = replies;
        _replyTo = replyTo;
        _timer = time.CreateTimer(static state => ((CallKeepAlive)state!).Tick(), this, firstTick, interval);
    }

    /// <summary>Starts the ticks: "accepted" after <paramref name="acceptedAfter"/> (already sent when zero), "working" after it.</summary>
    public static CallKeepAlive Start(NodeReplies replies, string replyTo, TimeProvider time, TimeSpan acceptedAfter, TimeSpan heartbeat)
    {
        var keepAlive = new CallKeepAlive(replies, replyTo, time, acceptedAfter > TimeSpan.Zero ? acceptedAfter : heartbeat, heartbeat);
        if (acceptedAfter <= TimeSpan.Zero)
        {
            keepAlive._ticks = 1; // the caller was told "accepted" before the call ran
        }

        return keepAlive;
    }

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        var first = Interlocked.Increment(ref _ticks) == 1;
        // Never throws (a failure is logged); not awaited: the timer thread is not held by a slow connection.
        _ = first
            ? _replies.PublishAsync(_replyTo, SyncReplies.Accepted, "accepted reply")
            : _replies.PublishAsync(_replyTo, SyncReplies.Working, "heartbeat");
    }
}
