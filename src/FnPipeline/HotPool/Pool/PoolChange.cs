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
        // Cancellation ends the token read, which ends this wait: the signal needs no token of its own.
        var signal = launch is null ? pool.RegisterCapacityWait() : default(CapacityWait?);
        await Task.WhenAny(token, (Task?)signal?.Task ?? launch!.Task).ConfigureAwait(false);
        var gotSignal = signal is { } registered && pool.WithdrawCapacityWait(registered);
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

    /// <summary>Whether the read got a token rather than being cancelled (awaited without throwing: the waiting path is hot).</summary>
    private static async Task<bool> SucceededAsync(Task<byte> read)
    {
        await ((Task)read).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (read.IsFaulted)
        {
            // Not a cancellation: the channel never faults these reads, so this is a bug worth surfacing.
            await read.ConfigureAwait(false);
        }

        return read.IsCompletedSuccessfully;
    }
}
