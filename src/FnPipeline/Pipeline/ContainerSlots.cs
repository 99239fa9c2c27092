using FnPipeline.Diagnostics;

namespace FnPipeline.Pipeline;

/// <summary>
/// Counts containers from creation to removal. Calls admitted but not yet holding a slot (waiting to enter, in
/// ensure-image, or waiting to create) are the queue; past <see cref="FnPipelineOptions.MaxQueuedCalls"/> of them new
/// calls are refused at once.
/// </summary>
internal sealed class ContainerSlots(int maxContainers, int maxQueued, FnPipelineMetrics metrics) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(maxContainers, maxContainers);
    private int _queued;

    public int MaxContainers { get; } = maxContainers;

    public int InUse => MaxContainers - _slots.CurrentCount;

    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Admits a call to the queue, or refuses it when the queue is full.</summary>
    public bool TryEnqueue()
    {
        if (Interlocked.Increment(ref _queued) > maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            return false;
        }

        metrics.Queued(1);
        return true;
    }

    /// <summary>The call left the queue (it got a slot or ended first).</summary>
    public void Dequeue()
    {
        Interlocked.Decrement(ref _queued);
        metrics.Queued(-1);
    }

    public Task AcquireAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
