namespace FnPipeline.HotPool;

/// <summary>A waiting caller's wait for its pool to change: an idle token, a capacity signal, or its own launch.</summary>
internal static class PoolChange
{
    /// <summary>
    /// Waits for a token of the pool's idle channel, a capacity signal (or the call's own launch, instead of signals,
    /// when there is one). Returns <c>true</c> when it got a token: the caller must pop a container. The token read is
    /// the waiter's place in the FIFO queue: it is made once and outlives a signal or a launch that wins an iteration,
    /// so a waiter woken to re-check the limits does not lose its turn to the callers that came after it.
    /// </summary>
    public static async Task<bool> WaitAsync(FunctionPool pool, PoolWaiter waiter, CancellationToken cancellationToken)
    {
        waiter.TokenCancellation ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = waiter.TokenRead ??= pool.ReadIdleTokenAsync(waiter.TokenCancellation.Token).AsTask();
        var launch = waiter.Launch;
        using var iteration = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signal = launch is null ? pool.ReadCapacitySignalAsync(iteration.Token).AsTask() : null;
        await Task.WhenAny(token, (Task?)signal ?? launch!.Task).ConfigureAwait(false);

        // The signal read is cancelled; awaiting it tells "cancelled" from "got an item at the same moment".
        await iteration.CancelAsync().ConfigureAwait(false);
        var gotSignal = signal is not null && await SucceededAsync(signal).ConfigureAwait(false);
        if (!token.IsCompleted)
        {
            // A signal or the launch: look again, still in the queue.
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }

        waiter.TokenRead = null;
        var gotToken = await SucceededAsync(token).ConfigureAwait(false);
        if (gotSignal && gotToken)
        {
            pool.SignalCapacity();
        }

        if (cancellationToken.IsCancellationRequested)
        {
            if (gotToken)
            {
                pool.PutBackToken();
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        return gotToken;
    }

    /// <summary>Withdraws a waiter's queued token read; a token it won in the meantime goes back to the pool.</summary>
    public static async Task ReturnUnusedTokenAsync(FunctionPool pool, Task<byte> read, CancellationTokenSource cancellation)
    {
        try
        {
            await cancellation.CancelAsync().ConfigureAwait(false);
            if (await SucceededAsync(read).ConfigureAwait(false))
            {
                pool.PutBackToken();
            }
        }
        finally
        {
            cancellation.Dispose();
        }
    }

    private static async Task<bool> SucceededAsync(Task<byte> read)
    {
        try
        {
            await read.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
