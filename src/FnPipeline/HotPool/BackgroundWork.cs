using System.Collections.Concurrent;

namespace FnPipeline.HotPool;

/// <summary>
/// Tasks the hot pool starts without awaiting them where they start (removals, adopted launches, pauses), kept so
/// that shutdown can wait for every one of them. Tracked tasks must not throw: they log their own failures.
/// </summary>
internal sealed class BackgroundWork
{
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();

    public int Count => _tasks.Count;

    public void Track(Task task)
    {
        if (task.IsCompleted)
        {
            return;
        }

        _tasks.TryAdd(task, 0);
        task.ContinueWith(
            static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _),
            _tasks,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Waits until no tracked task is left, including those started while waiting.</summary>
    public async Task WhenIdleAsync()
    {
        while (!_tasks.IsEmpty)
        {
            await Task.WhenAll(_tasks.Keys).ConfigureAwait(false);
        }
    }
}
