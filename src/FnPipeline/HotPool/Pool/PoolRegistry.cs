using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FnPipeline.HotPool;

/// <summary>
/// The function pools by key. Pools that end up with no container and no waiter are retired and dropped, so that a
/// long-running executor does not keep one per configuration it ever saw; a caller holding a retired pool looks
/// the key up again. A new pool's cap is the configured one, else derived from the machine and the function's memory.
/// </summary>
internal sealed class PoolRegistry(HotPoolSettings settings, ILogger logger)
{
    private const int EvictionAttempts = 3;
    private readonly ConcurrentDictionary<FunctionKey, FunctionPool> _pools = new();

    public int Count => _pools.Count;

    /// <summary>Idle containers over every pool (a snapshot: for tests and diagnostics, not the call path).</summary>
    public int IdleCount => _pools.Values.Sum(pool => pool.IdleCount);

    /// <param name="key">The function.</param>
    /// <param name="memoryMB">Its containers' memory limit (part of the key), for its default cap.</param>
    public FunctionPool Get(FunctionKey key, long memoryMB) =>
        _pools.TryGetValue(key, out var pool) && !pool.IsRetired ? pool : GetSlow(key, memoryMB);

    public void TryRetire(FunctionPool pool)
    {
        if (pool.TryRetire())
        {
            _pools.TryRemove(new KeyValuePair<FunctionKey, FunctionPool>(pool.Key, pool));
        }
    }

    /// <summary>Wakes one waiter in every pool that has any (except <paramref name="except"/>): a limit may have room.</summary>
    public void SignalWaiters(FunctionPool? except = null)
    {
        foreach (var (_, pool) in _pools)
        {
            if (pool != except && pool.Waiting > 0)
            {
                pool.SignalCapacity();
            }
        }
    }

    /// <summary>
    /// Evicts the least recently idle container of another function, so that <paramref name="requester"/> can
    /// launch when the executor-wide limit is reached (as Fn evicts other slot queues' idle containers).
    /// Its removal frees the place and signals the waiters.
    /// </summary>
    public bool TryEvictIdleElsewhere(FunctionPool requester)
    {
        for (var attempt = 0; attempt < EvictionAttempts; attempt++)
        {
            HotContainer? oldest = null;
            var oldestSince = long.MaxValue;
            foreach (var (_, pool) in _pools)
            {
                if (pool != requester && pool.OldestIdle() is { } candidate && candidate.IdleSince < oldestSince)
                {
                    oldest = candidate;
                    oldestSince = candidate.IdleSince;
                }
            }

            if (oldest is null)
            {
                return false;
            }

            if (oldest.TryEvict("evicted to make room for another function"))
            {
                HotPoolLog.EvictedForRoom(logger, oldest.ShortName, requester.Key);
                return true;
            }
        }

        return false;
    }

    private FunctionPool GetSlow(FunctionKey key, long memoryMB)
    {
        while (true)
        {
            var pool = _pools.GetOrAdd(key, static (k, max) => new FunctionPool(k, max), settings.ContainersPerFunction(memoryMB));
            if (!pool.IsRetired)
            {
                return pool;
            }

            _pools.TryRemove(new KeyValuePair<FunctionKey, FunctionPool>(key, pool));
        }
    }
}
