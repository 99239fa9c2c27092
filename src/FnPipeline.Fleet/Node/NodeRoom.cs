namespace FnPipeline.Fleet.Node;

/// <summary>
/// A node's placement state, without NATS: how many calls it runs against its capacity, whether it drains, and which
/// functions are hot on it until when. <see cref="Subjects"/> says what the node must be subscribed to: nothing when
/// it is full or drains (pull, not push: a full node is never handed a call), else <c>sync.any</c> and the hot subject
/// of every function still hot. Thread-safe.
/// </summary>
internal sealed class NodeRoom
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HotEntry> _hot = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private int _inFlight;
    private bool _draining;

    public NodeRoom(int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _time = time;
    }

    public int Capacity { get; }

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    public bool Draining
    {
        get
        {
            lock (_gate)
            {
                return _draining;
            }
        }
    }

    /// <summary>True when a call could be taken now (not full, not draining).</summary>
    public bool HasRoom
    {
        get
        {
            lock (_gate)
            {
                return !_draining && _inFlight < Capacity;
            }
        }
    }

    /// <summary>Takes a slot for a call; false when the node is full or drains (the call is answered "busy").</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            if (_draining || _inFlight >= Capacity)
            {
                return false;
            }

            _inFlight++;
            return true;
        }
    }

    /// <summary>Gives back the slot of a finished call.</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (_inFlight == 0)
            {
                throw new InvalidOperationException("a slot was released that was never taken");
            }

            _inFlight--;
        }
    }

    /// <summary>Stops taking calls for good.</summary>
    public void Drain()
    {
        lock (_gate)
        {
            _draining = true;
        }
    }

    /// <summary>
    /// Marks <paramref name="key"/> hot for <paramref name="idleTimeout"/> from now (its hot container stays that long
    /// after its last call); a later call extends it.
    /// </summary>
    public void MarkHot(string key, string? name, string image, TimeSpan idleTimeout)
    {
        var until = _time.GetUtcNow() + idleTimeout;
        lock (_gate)
        {
            if (!_hot.TryGetValue(key, out var entry) || entry.Until < until)
            {
                _hot[key] = new HotEntry(name, image, until);
            }
        }
    }

    /// <summary>The functions still hot (expired ones are forgotten).</summary>
    public IReadOnlyList<Wire.HotFunction> HotFunctions()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            return [.. _hot.Select(pair => new Wire.HotFunction(pair.Key, pair.Value.Name, pair.Value.Image))];
        }
    }

    /// <summary>
    /// What the node must be subscribed to now: <see cref="NodeSubjects.None"/> when full or draining, else the
    /// any-subject and the keys of the functions hot on it.
    /// </summary>
    public NodeSubjects Subjects()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            return _draining || _inFlight >= Capacity
                ? NodeSubjects.None
                : new NodeSubjects(Any: true, HotKeys: [.. _hot.Keys]);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        List<string>? expired = null;
        foreach (var (key, entry) in _hot)
        {
            if (entry.Until <= now)
            {
                (expired ??= []).Add(key);
            }
        }

        foreach (var key in expired ?? [])
        {
            _hot.Remove(key);
        }
    }

    private sealed record HotEntry(string? Name, string Image, DateTimeOffset Until);
}

/// <summary>What a node subscribes to: the any-subject or not, and the hot subjects of these function keys.</summary>
internal sealed record NodeSubjects(bool Any, IReadOnlyCollection<string> HotKeys)
{
    public static NodeSubjects None { get; } = new(false, []);
}
