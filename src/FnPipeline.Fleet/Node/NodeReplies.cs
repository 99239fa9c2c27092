using FnPipeline.Buffers;
using FnPipeline.Fleet.Wire;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace FnPipeline.Fleet.Node;

/// <summary>
/// What a node sends to the callers of its synchronous calls (docs/fleet.md, "Synchronous replies"): "accepted",
/// "busy", heartbeats (<see cref="CallKeepAlive"/>) and the outcome, each bounded in time (a reply that late is of no use to its caller) and never
/// throwing (a failure is logged). A crashed node sends nothing more.
/// </summary>
internal sealed class NodeReplies(NatsConnection connection, string nodeId, FleetOptions fleet, ILogger logger)
{
    private volatile bool _crashed;

    /// <summary>Whether the node died (tests): it sends nothing any more.</summary>
    public bool Crashed => _crashed;

    /// <summary>From now on nothing is sent, as from a killed process.</summary>
    public void Crash() => _crashed = true;

    /// <summary>The outcome of a call that did not reach the executor (or failed on it), from this node.</summary>
    public CallOutcome ErrorOutcome(string callId, FnError error) => new()
    {
        CallId = callId,
        Status = InvocationStatus.Error,
        ErrorKind = error.Kind,
        ErrorStatusCode = error.StatusCode,
        ErrorMessage = error.Message,
        NodeId = nodeId,
    };

    /// <summary>The outcome frame; when it cannot go out (e.g. over max_payload) an error outcome that says why.</summary>
    public async Task PublishOutcomeAsync(string replyTo, CallOutcome outcome, ReadOnlyMemory<byte> output)
    {
        if (_crashed)
        {
            return;
        }

        using var frame = new PooledOutputBuffer(Array.MaxLength); // the servers' max_payload is the limit that applies
        FleetFrame.Write(frame, outcome, FleetJsonContext.Default.CallOutcome, output.Span);
        try
        {
            using var bound = new CancellationTokenSource(fleet.ConnectTimeout);
            await connection.PublishAsync(replyTo, frame.WrittenMemory, SyncReplies.Headers(SyncReplies.Outcome, nodeId), cancellationToken: bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // E.g. larger than the servers' max_payload: the caller gets the error instead of waiting for a lost node.
            NodeLog.PublishFailed(logger, nodeId, "outcome", ex);
            var error = ErrorOutcome(outcome.CallId, new FnError(FnErrorKind.EngineError, 502, $"node {nodeId} could not send the result: {ex.Message}"));
            using var errorFrame = new PooledOutputBuffer(Array.MaxLength);
            FleetFrame.Write(errorFrame, error, FleetJsonContext.Default.CallOutcome, []);
            await PublishAsync(replyTo, errorFrame.WrittenMemory, SyncReplies.Outcome, "outcome").ConfigureAwait(false);
        }
    }

    /// <summary>A reply of <paramref name="kind"/> with no payload.</summary>
    public Task PublishAsync(string subject, string kind, string what) =>
        PublishAsync(subject, ReadOnlyMemory<byte>.Empty, kind, what);

    /// <summary>A message with the node's reply headers; <paramref name="what"/> names it in the log when it fails.</summary>
    public async Task PublishAsync(string subject, ReadOnlyMemory<byte> data, string kind, string what)
    {
        if (_crashed)
        {
            return;
        }

        try
        {
            // Bounded: while NATS reconnects a publish waits, and a reply that late is of no use to its caller.
            using var bound = new CancellationTokenSource(fleet.ConnectTimeout);
            await connection.PublishAsync(subject, data, SyncReplies.Headers(kind, nodeId), cancellationToken: bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            NodeLog.PublishFailed(logger, nodeId, what, ex);
        }
    }
}
