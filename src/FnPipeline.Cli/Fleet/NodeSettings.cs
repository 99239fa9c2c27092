namespace FnPipeline.Cli.Fleet;

/// <summary>What <c>fnpipe node</c> was asked for, besides the fleet's NATS options and the executor's settings.</summary>
internal sealed record NodeSettings
{
    /// <summary>The functions file whose images the node checks at start; null: none.</summary>
    public string? FunctionsPath { get; init; }

    /// <summary>The node's id; null: the host name and 6 random hex digits.</summary>
    public string? NodeId { get; init; }

    /// <summary>Most calls at once; 0: the executor's <c>MaxContainers</c>.</summary>
    public int MaxInFlight { get; init; }

    /// <summary>Whether the node also runs the fleet's asynchronous calls.</summary>
    public bool AsyncCalls { get; init; } = true;

    /// <summary>Replicas of the asynchronous stream and buckets when this node creates them.</summary>
    public int AsyncReplicas { get; init; } = 1;
}
