namespace FnPipeline.HotPool;

/// <summary>
/// The state of one call on the slow path: its pool (re-resolved if retired), its launch, whether it counts as a
/// waiter of the pool (until served) and as queued on the executor (until it leaves).
/// </summary>
internal sealed class PoolWaiter(FunctionKey key, long memoryMB, FunctionPool pool)
{
    public FunctionKey Key { get; } = key;

    public long MemoryMB { get; } = memoryMB;

    public bool InPool { get; set; }

    public FunctionPool Pool { get; set; } = pool;

    public Launch? Launch { get; set; }

    public bool Counted { get; set; }

    /// <summary>The waiter's place in the pool's token queue, from its first wait until it is served or leaves.</summary>
    public Task<byte>? TokenRead { get; set; }

    /// <summary>Cancels <see cref="TokenRead"/> (linked to the wait's own token).</summary>
    public CancellationTokenSource? TokenCancellation { get; set; }
}
