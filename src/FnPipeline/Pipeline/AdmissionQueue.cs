using FnPipeline.Diagnostics;

namespace FnPipeline.Pipeline;

/// <summary>
/// The cold lane's queue: calls admitted and not yet holding a container place (waiting to enter, in ensure-image, or
/// waiting to create). Past <see cref="FnPipelineOptions.MaxQueuedCalls"/> of them new calls are refused at once.
/// </summary>
internal sealed class AdmissionQueue(int maxQueued, FnPipelineMetrics metrics)
{
    private int _queued;

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

    /// <summary>The call left the queue (it got a place or ended first).</summary>
    public void Dequeue()
    {
        Interlocked.Decrement(ref _queued);
        metrics.Queued(-1);
    }
}
