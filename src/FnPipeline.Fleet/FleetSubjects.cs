namespace FnPipeline.Fleet;

/// <summary>
/// The names of one fleet on NATS: every subject starts <c>fnp.{fleet}.</c> and every stream and bucket carries the
/// fleet's name, so fleets sharing a cluster never see each other's traffic (docs/fleet.md, "Wire contract").
/// </summary>
public sealed class FleetSubjects
{
    /// <summary>The names of the fleet <paramref name="fleet"/> (already validated by <see cref="FleetOptions"/>).</summary>
    public FleetSubjects(string fleet)
    {
        ArgumentException.ThrowIfNullOrEmpty(fleet);
        Fleet = fleet;
        Prefix = $"fnp.{fleet}";
        SyncAny = $"{Prefix}.sync.any";
        SyncHotPrefix = $"{Prefix}.sync.hot.";
        NodesQueueGroup = $"{Prefix}.nodes";
        Announce = $"{Prefix}.node.announce";
        Status = $"{Prefix}.node.status";
        AsyncWildcard = $"{Prefix}.async.>";
        // The name as it is (case and '-' kept): folding it would give two fleets, "a-b" and "a_b", one stream.
        AsyncStream = $"FNP_{fleet}_ASYNC";
        AsyncConsumer = "nodes";
        ResultsBucket = $"FNP_{fleet}_RESULTS";
    }

    /// <summary>The fleet's name.</summary>
    public string Fleet { get; }

    /// <summary><c>fnp.{fleet}</c>: the first two tokens of every subject of the fleet.</summary>
    public string Prefix { get; }

    /// <summary>Synchronous calls any node with room may take (queue group <see cref="NodesQueueGroup"/>).</summary>
    public string SyncAny { get; }

    private string SyncHotPrefix { get; }

    /// <summary>The queue group every node's call subscriptions join, so that one node takes each call.</summary>
    public string NodesQueueGroup { get; }

    /// <summary>Nodes publish their announcement (id, engine, load, hot functions) here about once a second.</summary>
    public string Announce { get; }

    /// <summary>A request here is answered by every node with its announcement (scatter-gather for <c>fleet status</c>).</summary>
    public string Status { get; }

    /// <summary>The subjects of the asynchronous-call stream.</summary>
    public string AsyncWildcard { get; }

    /// <summary>The JetStream stream holding accepted asynchronous calls (work-queue retention).</summary>
    public string AsyncStream { get; }

    /// <summary>The durable pull consumer the nodes share on <see cref="AsyncStream"/>.</summary>
    public string AsyncConsumer { get; }

    /// <summary>The JetStream key-value bucket holding asynchronous results by call id.</summary>
    public string ResultsBucket { get; }

    /// <summary>Synchronous calls of the function <paramref name="functionKey"/>, taken by nodes where it is hot and that have room.</summary>
    public string SyncHot(string functionKey) => $"{SyncHotPrefix}{functionKey}";

    /// <summary>The function key of a hot subject of this fleet (<see cref="SyncHot"/>), else null.</summary>
    internal string? HotKeyOf(string subject) =>
        subject.Length > SyncHotPrefix.Length && subject.StartsWith(SyncHotPrefix, StringComparison.Ordinal)
            ? subject[SyncHotPrefix.Length..]
            : null;

    /// <summary>
    /// Where a client tells the node <paramref name="nodeId"/> that the caller of a call it accepted cancelled it (header
    /// <c>Fnp-Call</c>: the call id); the node then cancels the call on its executor.
    /// </summary>
    public string Cancel(string nodeId) => $"{Prefix}.node.{nodeId}.cancel";

    /// <summary>The subject an asynchronous call of <paramref name="functionKey"/> is published to.</summary>
    public string AsyncSubmit(string functionKey) => $"{Prefix}.async.{functionKey}";
}
