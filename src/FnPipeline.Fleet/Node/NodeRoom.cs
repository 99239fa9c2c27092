namespace FnPipeline.Fleet.Node;

/// <summary>
/// A node's placement state, without NATS: how many calls it runs against its capacity, whether it drains, and which
/// functions are hot on it until when. <see cref="Subjects()"/> says what the node must be subscribed to: nothing when
/// it is full or drains (pull, not push: a full node is never handed a call), else <c>sync.any</c> and the hot subject
/// of every function still hot. <see cref="SubjectsVersion"/> changes whenever that answer may have changed, so the node
/// re-subscribes only then (a call's end usually changes nothing). Thread-safe.
/// </summary>
internal sealed class NodeRoom
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HotEntry> _hot = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private int _inFlight;
    private bool _draining;
    private long _version;

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
            if (_inFlight == Capacity)
            {
                _version++; // full: no call subject any more
            }

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

            if (_inFlight == Capacity)
            {
                _version++; // room again
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
            _version++;
        }
    }

    /// <summary>
    /// A number that changes whenever <see cref="Subjects()"/> may answer differently (the node filled up or has room
    /// again, drains, a function became hot or stopped being hot); expired hot functions are forgotten first.
    /// </summary>
    public long SubjectsVersion
    {
        get
        {
            var now = _time.GetUtcNow();
            lock (_gate)
            {
                Prune(now);
                return _version;
            }
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
            if (!_hot.TryGetValue(key, out var entry))
            {
                _hot[key] = new HotEntry(name, image, until);
                _version++;
            }
            else if (entry.Until < until)
            {
                entry.Until = until; // in place: a hot function's every call extends it
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
    /// any-subject and the keys of the functions hot on it; with the <see cref="SubjectsVersion"/> it answers for.
    /// </summary>
    public NodeSubjects Subjects() => Subjects(out _);

    /// <inheritdoc cref="Subjects()"/>
    public NodeSubjects Subjects(out long version)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            version = _version;
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
            _version++;
        }
    }

    private sealed class HotEntry(string? name, string image, DateTimeOffset until)
    {
        public string? Name { get; } = name;

        public string Image { get; } = image;

        public DateTimeOffset Until { get; set; } = until;
    }
}

/// <summary>What a node subscribes to: the any-subject or not, and the hot subjects of these function keys.</summary>
internal sealed record NodeSubjects(bool Any, IReadOnlyCollection<string> HotKeys)
{
    public static NodeSubjects None { get; } = new(false, []);
}
