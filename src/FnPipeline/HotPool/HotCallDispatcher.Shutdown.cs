namespace FnPipeline.HotPool;

/// <summary>
/// Shutdown in the order the style guide gives: stop intake, drain in-flight calls (bounded), stop launches and
/// waits, wait for background work, remove every container and directory, stop the output pump.
/// </summary>
internal sealed partial class HotCallDispatcher
{
    public ValueTask DisposeAsync() => DisposeAsync(_context.Settings.DrainTimeout);

    public ValueTask DisposeAsync(TimeSpan drainTimeout)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _disposal = DisposeCoreAsync(drainTimeout);
        }

        // A second caller waits for the first disposal rather than returning while containers still exist.
        return new ValueTask(Volatile.Read(ref _disposal) ?? Task.CompletedTask);
    }

    private async Task DisposeCoreAsync(TimeSpan drainTimeout)
    {
        HotPoolLog.Draining(_context.Logger, InFlight, Containers);
        await DrainAsync(drainTimeout).ConfigureAwait(false);

        // Launches and waits stop; then containers go, including those still starting.
        await _context.ShutdownAsync().ConfigureAwait(false);
        await _keeper.RemoveAllAsync("executor shut down").ConfigureAwait(false);
        await _context.OutputLog.DisposeAsync().ConfigureAwait(false);
        _context.Dispose();
        HotPoolLog.Stopped(_context.Logger);
    }

    /// <summary>Waits for in-flight calls; past the drain timeout, aborts them (their containers are killed).</summary>
    private async Task DrainAsync(TimeSpan drainTimeout)
    {
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        try
        {
            await _drained.Task.WaitAsync(drainTimeout, _context.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            HotPoolLog.DrainTimedOut(_context.Logger, drainTimeout);
            await _context.ShutdownAsync().ConfigureAwait(false);
            _keeper.AbortCalls(CallAbortReason.Shutdown);
            await _drained.Task.ConfigureAwait(false);
        }
    }
}
