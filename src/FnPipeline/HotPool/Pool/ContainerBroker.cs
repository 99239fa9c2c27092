namespace FnPipeline.HotPool;

/// <summary>
/// Finds a container for a call: the most recently idle one of its function (the fast path: no wait, no
/// allocation); else a new one when the calls waiting for the function outnumber its idle and starting containers and
/// the function's limit, the executor's limit and the launch slots allow (evicting another function's oldest idle
/// container when only the executor's limit is in the way); else it waits, in FIFO order with the
/// other waiters, for a container to come back, a limit to free up, or its own launch, bounded by the start bound
/// (<see cref="FnPipelineOptions.StartTimeout"/>): past it, 504 "did not start" while its own launch still runs, else
/// 503 "too busy". A launch outlives a caller that stops waiting: its container joins the pool.
/// </summary>
internal sealed class ContainerBroker(HotPoolContext context, PoolRegistry pools, HotContainerLauncher launcher)
{
    private int _waiting;

    /// <summary>Calls on the slow path now (waiting for a container, a launch or a limit).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public ValueTask<Acquisition> AcquireAsync(FunctionKey key, ResolvedCall call, TimeSpan waitLimit, CancellationToken cancellationToken)
    {
        var pool = pools.Get(key, call.MemoryMB);
        while (pool.TryTakeIdle(out var container))
        {
            var activation = container.TryActivateAsync();
            if (!activation.IsCompletedSuccessfully)
            {
                // Paused: unpausing takes an engine round trip.
                return AcquireSlowAsync(key, pool, call, waitLimit, (container, activation.AsTask()), cancellationToken);
            }

            if (activation.Result)
            {
                return new ValueTask<Acquisition>(Acquisition.Got(container));
            }
        }

        return AcquireSlowAsync(key, pool, call, waitLimit, null, cancellationToken);
    }

    /// <summary>Puts a container back on its function's stack and, if the executor is at its limit, tells waiters
    /// of other functions that there is an idle container they could evict.</summary>
    public void ReturnToPool(HotContainer container)
    {
        container.ReturnToPool();
        if (context.Budget.Used >= context.Budget.MaxContainers)
        {
            pools.SignalWaiters(except: container.Pool);
        }
    }

    private async ValueTask<Acquisition> AcquireSlowAsync(
        FunctionKey key,
        FunctionPool pool,
        ResolvedCall call,
        TimeSpan waitLimit,
        (HotContainer Container, Task<bool> Activation)? pending,
        CancellationToken cancellationToken)
    {
        if (pending is { } claimed && await claimed.Activation.ConfigureAwait(false))
        {
            return Acquisition.Got(claimed.Container);
        }

        using var deadline = new CancellationTokenSource(waitLimit, context.Time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.ShutdownToken, deadline.Token);
        var waiter = new PoolWaiter(key, call.MemoryMB, pool);
        try
        {
            while (true)
            {
                if (await StepAsync(waiter, call, wait.Token).ConfigureAwait(false) is { } outcome)
                {
                    return outcome;
                }
            }
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            return cancellationToken.IsCancellationRequested ? Acquisition.Failed(InvocationStatus.Cancelled, CallOutcomes.Cancelled())
                : context.ShutdownToken.IsCancellationRequested ? Acquisition.Failed(InvocationStatus.Error, CallOutcomes.ShuttingDown())
                : waiter.Launch is { } own
                    ? Acquisition.StartTimedOut(own.Timings.Snapshot(context.Time.GetTimestamp(), context.Time))
                    : Acquisition.Failed(InvocationStatus.Error, TooBusy(call.Call, waiter.Pool, waitLimit));
        }
        finally
        {
            Leave(waiter);
        }
    }

    /// <summary>
    /// One turn of the wait: take an idle container, else start (or collect) this call's launch, else wait for a
    /// token, a signal or the launch. <c>null</c> means "look again".
    /// </summary>
    private async ValueTask<Acquisition?> StepAsync(PoolWaiter waiter, ResolvedCall call, CancellationToken cancellationToken)
    {
        if (!TryCount(waiter))
        {
            return null;
        }

        var pool = waiter.Pool;
        // A waiter already in the token queue keeps its place there (no barging past the waiters ahead of it).
        if (waiter.TokenRead is null && pool.TryTakeIdle(out var idle, forWaiter: true))
        {
            waiter.InPool = false;
            return await idle.TryActivateAsync().ConfigureAwait(false) ? Acquisition.Got(idle) : null;
        }

        if (waiter.TokenRead is not { IsCompleted: true })
        {
            waiter.Launch ??= TryLaunch(pool, call);
        }

        if (waiter.Launch is { Task.IsCompleted: true } done)
        {
            waiter.Launch = null;
            return await TakeLaunchedAsync(waiter, done).ConfigureAwait(false);
        }

        if (!await PoolChange.WaitAsync(pool, waiter, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var popped = pool.PopIdle(forWaiter: true);
        waiter.InPool = false;
        return await popped.TryActivateAsync().ConfigureAwait(false) ? Acquisition.Got(popped) : null;
    }

    /// <summary>
    /// Counts the call as a waiter of its pool (again, after a container it was served turned out dead; a retired pool
    /// is looked up again first), and once as queued on the executor.
    /// </summary>
    private bool TryCount(PoolWaiter waiter)
    {
        if (!waiter.InPool)
        {
            if (!waiter.Pool.TryBeginWait())
            {
                waiter.Pool = pools.Get(waiter.Key, waiter.MemoryMB);
                return false;
            }

            waiter.InPool = true;
        }

        if (!waiter.Counted)
        {
            waiter.Counted = true;
            Interlocked.Increment(ref _waiting);
            context.Metrics.Queued(1);
        }

        return true;
    }

    /// <summary>The wait is over: a launch still running joins the pool; the waiter count goes down.</summary>
    private void Leave(PoolWaiter waiter)
    {
        if (waiter.TokenRead is { } read)
        {
            // Served otherwise (its launch, or it gave up): the queued read goes, and a token it won meanwhile goes back.
            waiter.TokenRead = null;
            context.Background.Track(PoolChange.ReturnUnusedTokenAsync(waiter.Pool, read, waiter.TokenCancellation!));
        }
        else
        {
            waiter.TokenCancellation?.Dispose();
        }

        if (waiter.Launch is { } launch)
        {
            context.Background.Track(AdoptAsync(launch));
        }

        if (waiter.InPool)
        {
            waiter.Pool.EndWait();
        }

        if (waiter.Counted)
        {
            Interlocked.Decrement(ref _waiting);
            context.Metrics.Queued(-1);
            pools.TryRetire(waiter.Pool);
        }
    }

    private FnError TooBusy(FunctionCall call, FunctionPool pool, TimeSpan waitLimit) => CallOutcomes.TooBusy(
        $"no container of {CallOutcomes.Subject(call)} became free within {waitLimit.TotalSeconds:0.###} s " +
        $"({pool.Live} of {pool.MaxContainers} per function, {context.Budget.Used} of {context.Budget.MaxContainers} in all)");

    private Launch? TryLaunch(FunctionPool pool, ResolvedCall call)
    {
        switch (pool.TryReserveLaunch(context.Budget, context.Starts))
        {
            case LaunchReservation.Reserved:
                return launcher.Start(pool, call);
            case LaunchReservation.ExecutorFull:
                // The eviction's removal frees the place and signals this pool.
                pools.TryEvictIdleElsewhere(pool);
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The call's own launch finished: its container, its start-up error, or <c>null</c> to keep looking. Either way the
    /// waiter stops waiting as the launch stops starting (one step, so the pool's demand stays balanced).
    /// </summary>
    private async Task<Acquisition?> TakeLaunchedAsync(PoolWaiter waiter, Launch launch)
    {
        HotContainer container;
        try
        {
            container = await launch.Task.ConfigureAwait(false);
        }
        catch (FnCallException ex)
        {
            // The launch's timings are final (stopped when it failed): the caller sees where its start went.
            return Acquisition.Failed(InvocationStatus.Error, ex.Error, launch.Timings);
        }
        catch (OperationCanceledException) when (context.ShutdownToken.IsCancellationRequested)
        {
            return Acquisition.Failed(InvocationStatus.Error, CallOutcomes.ShuttingDown());
        }
        finally
        {
            launch.Pool.LaunchHandedOver(servedWaiter: waiter.InPool);
            waiter.InPool = false;
        }

        if (container.TryTakeReady())
        {
            return Acquisition.Got(container, launch.Timings);
        }

        context.Background.Track(container.RemoveAsync("exited before its first call"));
        return null;
    }

    /// <summary>A launch whose caller went elsewhere (or gave up): its container joins the pool for the next call.</summary>
    private async Task AdoptAsync(Launch launch)
    {
        try
        {
            var container = await launch.Task.ConfigureAwait(false);
            ReturnToPool(container);
        }
        catch (OperationCanceledException) when (context.ShutdownToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            HotPoolLog.UnobservedLaunchFailure(context.Logger, launch.Pool.Key, ex);
        }
        finally
        {
            // After the push: for a moment the container counts twice (idle and starting), never zero times.
            launch.Pool.LaunchHandedOver(servedWaiter: false);
        }
    }
}
