using FnPipeline.Fleet.Async;

namespace FnPipeline.Fleet.Client;

/// <summary>Settings of a fleet client (<see cref="FleetExecutor"/>); the NATS side is <see cref="FleetOptions"/>.</summary>
public sealed class FleetClientOptions
{
    /// <summary>
    /// How long a call waits for a node's first answer ("accepted" or "busy") once sent. A node acknowledges a call
    /// before it runs it, so a call with no answer ran nowhere (NATS core delivery is at most once: a request that
    /// reaches a node as it fills up and leaves the subject is dropped); it is placed again, within
    /// <see cref="QueueTimeout"/>. Default 2 s.
    /// </summary>
    public TimeSpan AcceptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Silence from the node that accepted a call (no heartbeat, no result) after which the call is answered 502
    /// <see cref="FnErrorKind.NodeLost"/>. Nodes send a heartbeat every second by default. Default 3 s.
    /// </summary>
    public TimeSpan NodeLostAfter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a call waits for a node with room while every node of the fleet is full (nodes exist, none takes it);
    /// past it the call is answered 503 <see cref="FnErrorKind.TooBusy"/>. Default 30 s.
    /// </summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The asynchronous lane's settings (<see cref="FleetExecutor.SubmitAsync"/>): used when this client is the first to
    /// create the fleet's stream and buckets (replicas, retention...). Default: <see cref="FleetAsyncOptions"/>'s.
    /// </summary>
    public FleetAsyncOptions Async { get; set; } = new();

    /// <summary>This client's id (<see cref="IFnExecutor.InstanceId"/>). Default: 12 random hex digits.</summary>
    public string? InstanceId { get; set; }
}
