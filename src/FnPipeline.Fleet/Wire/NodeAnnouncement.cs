namespace FnPipeline.Fleet.Wire;

/// <summary>
/// What a node publishes on <c>fnp.&lt;fleet&gt;.node.announce</c> about once a second and answers on
/// <c>fnp.&lt;fleet&gt;.node.status</c> (JSON, camelCase): who it is, its engine, its load and its hot functions.
/// </summary>
public sealed record NodeAnnouncement
{
    /// <summary>The node's id (unique in the fleet; <c>--node-id</c>, else host name and a random suffix).</summary>
    public required string NodeId { get; init; }

    /// <summary>The fleet the node serves.</summary>
    public required string Fleet { get; init; }

    /// <summary>The node's Docker engine endpoint (e.g. <c>unix:///var/run/docker.sock</c>), when known.</summary>
    public string? EngineEndpoint { get; init; }

    /// <summary>The engine's version, when known.</summary>
    public string? EngineVersion { get; init; }

    /// <summary>Most synchronous calls the node runs at once.</summary>
    public int Capacity { get; init; }

    /// <summary>Synchronous calls running on the node now.</summary>
    public int InFlight { get; init; }

    /// <summary>True once the node stopped taking calls (it finishes its own, then leaves).</summary>
    public bool Draining { get; init; }

    /// <summary>Functions hot on the node now (it takes their calls on their hot subject while it has room).</summary>
    public IReadOnlyList<HotFunction> HotFunctions { get; init; } = [];

    /// <summary>Asynchronous calls the node holds, when it takes them (null when unknown).</summary>
    public int? QueuedAsync { get; init; }

    /// <summary>When the node started (UTC).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When this announcement was made (UTC).</summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>A function hot on a node: its function key, its name (when the call named one) and its image.</summary>
public sealed record HotFunction(string Key, string? Name, string Image);
