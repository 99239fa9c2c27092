namespace FnPipeline.Fleet.Client;

/// <summary>
/// The replies to one request of a call, as the client's inbox reader hands them over: a small queue with one waiting
/// reader (the call). Lighter than a channel per call: a call usually gets one reply, its outcome. Once
/// <see cref="Close"/>d it takes no more replies (the reader releases a late one) and releases those left.
/// </summary>
internal sealed class CallReplies
{
    private readonly Lock _gate = new();
    private readonly Queue<SyncReply> _queue = new(2);
    private TaskCompletionSource? _waiter;
    private bool _closed;

    /// <summary>Queues <paramref name="reply"/> for the call; false once closed (the caller then owns the reply).</summary>
    public bool TryWrite(SyncReply reply)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _queue.Enqueue(reply);
            waiter = _waiter;
            _waiter = null;
        }

        // Its continuation runs elsewhere (RunContinuationsAsynchronously): the inbox reader goes on at once.
        waiter?.TrySetResult();
        return true;
    }

    /// <summary>
    /// The next reply, or null when none came within <paramref name="timeout"/>; a cancelled
    /// <paramref name="cancellationToken"/> throws (the callers tell a lost connection from their caller's cancellation).
    /// </summary>
    public async ValueTask<SyncReply?> ReadAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            TaskCompletionSource waiter;
            lock (_gate)
            {
                if (_queue.TryDequeue(out var ready))
                {
                    return ready;
                }

                waiter = _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                return null;
            }

            try
            {
                await waiter.Task.WaitAsync(TimeSpan.FromMilliseconds(left), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                lock (_gate)
                {
                    return _queue.TryDequeue(out var late) ? late : null;
                }
            }
        }
    }

    /// <summary>Takes no more replies; those already here are released.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            while (_queue.TryDequeue(out var stale))
            {
                stale.Payload.Dispose();
            }
        }
    }
}
