namespace FnPipeline.HotPool;

/// <summary>A waiting caller's wait for its pool to change: an idle token, a capacity signal, or its own launch.</summary>
internal static class PoolChange
{
    /// <summary>
    /// Waits for a token of the pool's idle channel, a capacity signal (or the call's own launch, instead of signals,
    /// when there is one). Returns <c>true</c> when it got a token: the caller must pop a container.
    /// </summary>
    public static async Task<bool> WaitAsync(FunctionPool pool, Launch? launch, CancellationToken cancellationToken)
    {
        using var iteration = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = pool.ReadIdleTokenAsync(iteration.Token).AsTask();
        var signal = launch is null ? pool.ReadCapacitySignalAsync(iteration.Token).AsTask() : null;
        await Task.WhenAny(token, (Task?)signal ?? launch!.Task).ConfigureAwait(false);

        // The losing read is cancelled; awaiting it tells "cancelled" from "got an item at the same moment".
        await iteration.CancelAsync().ConfigureAwait(false);
        var gotToken = await SucceededAsync(token).ConfigureAwait(false);
        if (signal is not null && await SucceededAsync(signal).ConfigureAwait(false) && gotToken)
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
