namespace FnPipeline.Fleet.Async;

/// <summary>
/// The node's room as the asynchronous worker sees it: the same slots the node's synchronous calls take, so a node
/// never runs more calls of both kinds than its capacity. The worker pulls a call only while <see cref="HasRoom"/>, and
/// takes a slot (<see cref="TryTake"/>) before it runs it.
/// </summary>
internal interface IAsyncCallRoom
{
    /// <summary>True when a call could be taken now (not full, not draining).</summary>
    bool HasRoom { get; }

    /// <summary>Takes a slot; false when the node is full or drains.</summary>
    bool TryTake();

    /// <summary>Gives back a slot taken by <see cref="TryTake"/>.</summary>
    void Release();
}

/// <summary>A room of its own for a worker that shares no slots (tests, a node that runs asynchronous calls only).</summary>
internal sealed class FixedAsyncCallRoom(int capacity) : IAsyncCallRoom
{
    private int _taken;

    public int Taken => Volatile.Read(ref _taken);

    public bool HasRoom => Volatile.Read(ref _taken) < capacity;

    public bool TryTake()
    {
        while (true)
        {
            var taken = Volatile.Read(ref _taken);
            if (taken >= capacity)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _taken, taken + 1, taken) == taken)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _taken) < 0)
        {
            throw new InvalidOperationException("a slot was released that was never taken");
        }
    }
}
