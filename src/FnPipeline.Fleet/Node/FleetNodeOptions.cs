using FnPipeline.Fleet.Async;

namespace FnPipeline.Fleet.Node;

/// <summary>Settings of one fleet node (docs/fleet.md, "Nodes"); the NATS side is <see cref="FleetOptions"/>.</summary>
public sealed class FleetNodeOptions
{
    /// <summary>
    /// The node's id in the fleet (its announcements, the replies it sends, its cancel subject): letters, digits, '-'
    /// and '_', at most 64. Default: the host name and 6 random hex digits.
    /// </summary>
    public string? NodeId { get; set; }

    /// <summary>
    /// Most synchronous calls the node runs at once; past it the node holds no call subscription. 0 (default) = the
    /// executor's <c>MaxContainers</c> (16 unless configured).
    /// </summary>
    public int MaxInFlight { get; set; }

    /// <summary>
    /// How long a function stays hot on the node after its last call (the node takes its calls on its hot subject that
    /// long) when the call names no idle timeout. Default 30 s, the hot pool's <c>IdleTimeout</c> default; set it to
    /// the executor's when that is configured (AddFnPipelineFleetNode and <c>fnpipe node</c> do).
    /// </summary>
    public TimeSpan HotIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the node announces itself on <c>node.announce</c>. Default 1 s.</summary>
    public TimeSpan AnnounceInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a call runs on the node before the node tells its caller "accepted" (then "working" every
    /// <see cref="HeartbeatInterval"/>). Default <see cref="TimeSpan.Zero"/>: at once, before the call runs, so a call
    /// with no answer ran nowhere and is placed again safely. A positive value (e.g. 20 ms) answers a call that ends
    /// sooner with its outcome alone, one message instead of two (~0.15–0.2 ms of the hop), at a price: a node that
    /// dies within that time leaves a call that may have started unanswered, and the client places it again (a second
    /// execution). Only for idempotent functions. Must be less than <see cref="HeartbeatInterval"/> and than the
    /// clients' <c>FleetClientOptions.AcceptTimeout</c> (2 s).
    /// </summary>
    public TimeSpan AcceptedAfter { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How often the node tells the caller of a running call that it still runs it. Default 1 s; the client declares
    /// the node lost after <c>FleetClientOptions.NodeLostAfter</c> of silence, which must be several of these.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a stopping node waits for its running calls before it cancels them (their callers get 503
    /// "ShuttingDown"). Default 60 s.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The fleet's asynchronous calls: when set, the node also runs them (pulled from the fleet's JetStream stream while
    /// it has room, in the same slots as its synchronous calls, <see cref="MaxInFlight"/> in all). Null (default): the
    /// node takes synchronous calls only. <c>fnpipe node</c> sets it unless <c>--sync-only</c>.
    /// </summary>
    public FleetAsyncOptions? AsyncCalls { get; set; }

    /// <summary>The engine endpoint the node announces (description only).</summary>
    public string? EngineEndpoint { get; set; }

    /// <summary>The engine version the node announces (description only).</summary>
    public string? EngineVersion { get; set; }
}
