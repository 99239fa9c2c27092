using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Tracking;

/// <summary>
/// One removal attempt: completes once the engine confirms the container is gone (removed now, or "no such
/// container"); throws on anything else (engine away, refused, timed out).
/// </summary>
internal delegate Task RemoveContainerOnce(string containerId, CancellationToken cancellationToken);

/// <summary>
/// The executor's one bounded removal queue. Every container the executor creates (cold, hot, pre-fork placeholder) is
/// tracked from its creation until the engine confirms it is gone; the size of that set is the
/// <c>fnpipeline.containers</c> gauge. Removals run at most <see cref="ContainerTrackerSettings.MaxConcurrentRemovals"/>
/// at once (Debian's dockerd 20.10 deadlocked when ~100 ran together, moby#46661). A failed removal is retried with
/// exponential back-off, capped, for as long as the executor lives: while the engine is away and once it is back.
/// <see cref="DrainAsync"/> (at shutdown) waits, bounded, for the set to empty and logs, by id, what it could not remove.
/// </summary>
internal sealed class ContainerTracker : IDisposable
{
    private readonly RemoveContainerOnce _removeOnce;
    private readonly ContainerTrackerSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, TrackedContainer> _tracked = new(StringComparer.Ordinal);
    private readonly object _emptyGate = new();
    private TaskCompletionSource _empty = NewSignal(completed: true);

    public ContainerTracker(RemoveContainerOnce removeOnce, ContainerTrackerSettings settings, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(removeOnce);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.MaxConcurrentRemovals);
        _removeOnce = removeOnce;
        _settings = settings;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(settings.MaxConcurrentRemovals, settings.MaxConcurrentRemovals);
    }

    /// <summary>Called with (kind, +1) when a container is tracked and (kind, -1) when the engine confirmed it gone.</summary>
    public Action<string, int>? CountChanged { get; set; }

    /// <summary>Containers tracked now: created and not yet confirmed gone.</summary>
    public int Count => _tracked.Count;

    /// <summary>Ids (or names) of the containers tracked now.</summary>
    public IReadOnlyCollection<string> TrackedIds => [.. _tracked.Keys];

    /// <summary>Removal requests talking to the engine right now (at most the bound).</summary>
    public int RemovalsInProgress => _settings.MaxConcurrentRemovals - _slots.CurrentCount;

    public ContainerTrackerSettings Settings => _settings;

    /// <summary>Starts tracking a container the executor just created (idempotent).</summary>
    public void Track(string containerId, string kind) => GetOrTrack(containerId, kind);

    /// <summary>
    /// Asks for the container's removal (tracking it first if it was not, e.g. an orphan or a container known only by
    /// its name). Completes after the first attempt: <c>true</c> when the engine confirmed it gone, <c>false</c> when
    /// it failed and retries continue in the background. Never throws; removal is detached from any caller.
    /// </summary>
    public Task<bool> RemoveAsync(string containerId, string kind = ContainerKinds.Unknown)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        var container = GetOrTrack(containerId, kind);
        container.StartRemoval(this);
        return container.FirstAttempt.Task;
    }

    /// <summary>
    /// <c>true</c> once the engine confirmed the container gone (at once if it is not tracked); <c>false</c> if
    /// <see cref="DrainAsync"/> gave up on it.
    /// </summary>
    public Task<bool> WhenGoneAsync(string containerId) =>
        _tracked.TryGetValue(containerId, out var container) ? container.Gone.Task : Task.FromResult(true);

    /// <summary>
    /// Shutdown: asks for the removal of every tracked container, waits up to <paramref name="bound"/> for the set to
    /// empty, then stops retrying and logs each container left, by id. Returns those ids.
    /// </summary>
    public async Task<IReadOnlyList<string>> DrainAsync(TimeSpan bound, CancellationToken cancellationToken = default)
    {
        foreach (var container in _tracked.Values)
        {
            container.StartRemoval(this);
        }

        if (!_tracked.IsEmpty)
        {
            ContainerLog.Draining(_logger, _tracked.Count, bound);
            try
            {
                await EmptySignal().WaitAsync(bound, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Reported below, by id.
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        var left = _tracked.Values.ToList();
        foreach (var container in left)
        {
            container.Gone.TrySetResult(false);
            ContainerLog.NotRemoved(_logger, container.Id, container.Kind, container.Attempts, container.LastError?.Message ?? "no attempt finished");
        }

        return [.. left.Select(c => c.Id)];
    }

    /// <summary>Stops retrying. The token source and semaphore are not disposed: a loop may still be finishing with them.</summary>
    public void Dispose() => _stopping.Cancel();

    private static TaskCompletionSource NewSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }

    private Task EmptySignal()
    {
        lock (_emptyGate)
        {
            return _tracked.IsEmpty ? Task.CompletedTask : _empty.Task;
        }
    }

    private TrackedContainer GetOrTrack(string containerId, string kind)
    {
        lock (_emptyGate)
        {
            if (_tracked.TryGetValue(containerId, out var existing))
            {
                return existing;
            }

            var container = new TrackedContainer(containerId, kind);
            _tracked[containerId] = container;
            if (_empty.Task.IsCompleted)
            {
                _empty = NewSignal(completed: false);
            }

            CountChanged?.Invoke(kind, 1);
            return container;
        }
    }

    private void Forget(TrackedContainer container)
    {
        lock (_emptyGate)
        {
            if (!_tracked.TryRemove(new KeyValuePair<string, TrackedContainer>(container.Id, container)))
            {
                return;
            }

            CountChanged?.Invoke(container.Kind, -1);
            if (_tracked.IsEmpty)
            {
                _empty.TrySetResult();
            }
        }

        if (container.Attempts > 0)
        {
            ContainerLog.RemovedAfterRetries(_logger, container.Id, container.Attempts);
        }

        container.Gone.TrySetResult(true);
        container.FirstAttempt.TrySetResult(true);
    }

    /// <summary>Attempts until the engine confirms the container gone, or until <see cref="DrainAsync"/> gives up.</summary>
    private async Task RemoveUntilGoneAsync(TrackedContainer container)
    {
        var token = _stopping.Token;
        var delay = _settings.FirstRetryDelay;
        while (!token.IsCancellationRequested)
        {
            var error = await AttemptAsync(container.Id, token).ConfigureAwait(false);
            if (error is null)
            {
                Forget(container);
                return;
            }

            if (token.IsCancellationRequested)
            {
                break;
            }

            container.Attempts++;
            container.LastError = error;
            if (container.Attempts == 1)
            {
                ContainerLog.RemoveFailed(_logger, container.Id, delay.TotalMilliseconds, error);
            }
            else
            {
                ContainerLog.RemoveRetryFailed(_logger, container.Id, container.Attempts, delay.TotalMilliseconds, error.Message);
            }

            container.FirstAttempt.TrySetResult(false);
            try
            {
                await Task.Delay(delay, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _settings.MaxRetryDelay.Ticks));
        }

        container.FirstAttempt.TrySetResult(false);
    }

    /// <summary>One bounded attempt; the failure, or <c>null</c> when the container is gone.</summary>
    private async Task<Exception?> AttemptAsync(string containerId, CancellationToken stopping)
    {
        try
        {
            await _slots.WaitAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            return e;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_settings.AttemptTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stopping);
            try
            {
                await _removeOnce(containerId, linked.Token).ConfigureAwait(false);
                return null;
            }
            catch (OperationCanceledException e) when (timeout.IsCancellationRequested)
            {
                return new TimeoutException($"The engine did not remove container {containerId} within {_settings.AttemptTimeout.TotalSeconds:F0} s.", e);
            }
        }
#pragma warning disable CA1031 // Any failure means "not confirmed gone": it is logged and retried.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return e;
        }
        finally
        {
            _slots.Release();
        }
    }

    private sealed class TrackedContainer(string id, string kind)
    {
        private int _removalStarted;

        public string Id { get; } = id;

        public string Kind { get; } = kind;

        public TaskCompletionSource<bool> FirstAttempt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> Gone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Failed attempts so far (written by the one removal loop only).</summary>
        public int Attempts { get; set; }

        public Exception? LastError { get; set; }

        public void StartRemoval(ContainerTracker tracker)
        {
            if (Interlocked.Exchange(ref _removalStarted, 1) == 0)
            {
                _ = tracker.RemoveUntilGoneAsync(this);
            }
        }
    }
}
