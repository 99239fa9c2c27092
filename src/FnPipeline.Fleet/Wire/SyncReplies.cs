using NATS.Client.Core;

namespace FnPipeline.Fleet.Wire;

/// <summary>
/// The replies a node sends to a synchronous call's reply subject (docs/fleet.md, "Synchronous calls"): the kind is the
/// header <c>Fnp-Reply</c>; only the outcome carries a payload (a <see cref="CallOutcome"/> frame).
/// </summary>
internal static class SyncReplies
{
    /// <summary>Header naming the reply's kind.</summary>
    public const string KindHeader = "Fnp-Reply";

    /// <summary>Header naming the node that sent the reply.</summary>
    public const string NodeHeader = "Fnp-Node";

    /// <summary>Header naming the call a cancel message is about.</summary>
    public const string CallHeader = "Fnp-Call";

    /// <summary>The node took the call and runs it: the client never sends it anywhere else.</summary>
    public const string Accepted = "accepted";

    /// <summary>The node had no room when the call reached it (a race with its unsubscribe); the call did not run.</summary>
    public const string Busy = "busy";

    /// <summary>The node still runs the call (sent every heartbeat interval): silence past the client's limit is a lost node.</summary>
    public const string Working = "working";

    /// <summary>The call's result: the payload is a <see cref="CallOutcome"/> frame, the output as its body.</summary>
    public const string Outcome = "outcome";

    public static NatsHeaders Headers(string kind, string nodeId) => new()
    {
        [KindHeader] = kind,
        [NodeHeader] = nodeId,
    };

    public static string? KindOf(NatsHeaders? headers) =>
        headers is not null && headers.TryGetValue(KindHeader, out var values) ? values.ToString() : null;

    public static string? NodeOf(NatsHeaders? headers) =>
        headers is not null && headers.TryGetValue(NodeHeader, out var values) ? values.ToString() : null;
}
