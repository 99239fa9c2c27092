namespace FnPipeline.Fleet.Async;

/// <summary>
/// The room slot of one asynchronous run, given back once: when the executor is done, or earlier when the run does not
/// happen (a duplicate, a function at its limit). Giving it back wakes the worker's pull loop.
/// </summary>
internal sealed class AsyncRunSlot(IAsyncCallRoom room, SemaphoreSlim roomFreed)
{
    private int _released;

    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            room.Release();
            roomFreed.Release();
        }
    }
}
