using System.Buffers;
using FnPipeline.Fleet.Wire;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace FnPipeline.Fleet.Client;

/// <summary>What one request ended with: a result (final), or nothing ran (no responders, busy).</summary>
internal readonly record struct Attempt(InvocationResult? Result, bool Busy = false)
{
    public static Attempt NoResponders => new(null);

    public static Attempt NodeBusy => new(null, Busy: true);
}

/// <summary>
/// One request of a call on one subject and what comes back (docs/fleet.md, "Synchronous replies"): no responders,
/// "busy" or no answer within <see cref="FleetClientOptions.AcceptTimeout"/> (the call ran nowhere), or "accepted" then
/// heartbeats until the outcome, silence past <see cref="FleetClientOptions.NodeLostAfter"/> being a lost node.
/// </summary>
internal sealed class FleetCallAttempts(
    FleetClientConnection connection, FleetSubjects subjects, FleetOptions fleet, FleetClientOptions options, Func<string, string, string, InvocationResult> unavailable, ILogger logger)
{
    /// <summary>One request on <paramref name="subject"/>: a final result, or "no responders" / "busy" (the call did not run).</summary>
    public async Task<Attempt> AttemptAsync(
        string callId, string image, string subject, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var (id, replyTo, replies) = connection.Register();
        var handedOff = false;
        try
        {
            // A connection lost before a node acknowledged the call ends the wait at once (the reply could not come).
            var lost = connection.Lost;
            using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lost);
            try
            {
                watch.CancelAfter(fleet.ConnectTimeout);
                await connection.Connection.PublishAsync(subject, frame, replyTo: replyTo, cancellationToken: watch.Token).ConfigureAwait(false);
                watch.CancelAfter(Timeout.InfiniteTimeSpan);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                return new Attempt(unavailable(callId, image, $"sending the call to NATS at {fleet.Url} failed ({ex.Message}); the call did not run"));
            }
            catch (OperationCanceledException)
            {
                // Cancelled while the publish was under way: it may have gone out all the same.
                handedOff = true;
                _ = CancelOnceAcceptedAsync(id, replies, callId);
                throw;
            }

            SyncReply? first;
            try
            {
                first = await replies.ReadAsync(options.AcceptTimeout, watch.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                first = null;
            }
            catch (OperationCanceledException)
            {
                // The caller cancelled before a node acknowledged the call: a node may be taking it right now, and only
                // its acknowledgement names it. It is told to cancel once that arrives (the caller does not wait).
                handedOff = true;
                _ = CancelOnceAcceptedAsync(id, replies, callId);
                throw;
            }

            if (lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested && first is null)
            {
                return new Attempt(unavailable(callId, image,
                    $"the connection to NATS at {fleet.Url} was lost before a node acknowledged the call; it was not sent again"));
            }

            if (cancellationToken.IsCancellationRequested)
            {
                // Cancelled just as the first reply was read: a node that accepted the call must still hear of it.
                await CancelAcceptedAsync(first, callId).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (first is not { } reply)
            {
                // Nothing ran: a node acknowledges before it runs a call. The request was lost in flight (typically it
                // reached a node as that node filled up and left the subject), so it is placed again.
                ClientLog.NotAcknowledged(logger, callId, subject, options.AcceptTimeout);
                return Attempt.NodeBusy;
            }

            using (reply.Payload)
            {
                if (reply.NoResponders)
                {
                    return Attempt.NoResponders;
                }

                switch (reply.Kind)
                {
                    case SyncReplies.Busy:
                        ClientLog.Busy(logger, callId, reply.NodeId ?? "?");
                        return Attempt.NodeBusy;
                    case SyncReplies.Outcome:
                        // The caller owns the result (its pooled output): the attempt only carries it there.
#pragma warning disable CA2000
                        return new Attempt(ToResult(reply.Payload));
#pragma warning restore CA2000
                }
            }

            ClientLog.Accepted(logger, callId, reply.NodeId ?? "?");
            return new Attempt(await AwaitOutcomeAsync(callId, image, reply.NodeId ?? "?", replies, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            if (!handedOff)
            {
                connection.Forget(id, replies);
            }
        }
    }

    /// <summary>Waits (up to <see cref="FleetClientOptions.AcceptTimeout"/>) for the first answer to a cancelled call; a node that accepted it is told to cancel.</summary>
    private async Task CancelOnceAcceptedAsync(long id, CallReplies replies, string callId)
    {
        try
        {
            await CancelAcceptedAsync(await replies.ReadAsync(options.AcceptTimeout, CancellationToken.None).ConfigureAwait(false), callId)
                .ConfigureAwait(false);
        }
        finally
        {
            connection.Forget(id, replies);
        }
    }

    /// <summary>Tells the node that sent <paramref name="first"/> to cancel, when it is an acknowledgement; owns the reply.</summary>
    private async Task CancelAcceptedAsync(SyncReply? first, string callId)
    {
        if (first is not { } reply)
        {
            return;
        }

        using (reply.Payload)
        {
            if (reply.Kind == SyncReplies.Accepted && reply.NodeId is { } nodeId)
            {
                await TellCancelAsync(nodeId, callId).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Whether any node of the fleet exists (is subscribed to <c>node.status</c>): full nodes hold no call subscription.
    /// Only NATS's "no responders" means none; a status request with no answer in time means nodes too busy to answer.
    /// </summary>
    public async Task<bool> AnyNodeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var reply = (await connection.Connection.RequestAsync<NatsMemoryOwner<byte>>(
                subjects.Status,
                replyOpts: new NatsSubOpts { Timeout = options.AcceptTimeout, ThrowIfNoResponders = true },
                cancellationToken: cancellationToken).ConfigureAwait(false)).Data;
            return true;
        }
        catch (NatsNoRespondersException)
        {
            return false;
        }
        catch (NatsNoReplyException)
        {
            // Nodes are subscribed (else NATS answers "no responders") but none answered in time: a loaded node is
            // still a node, and the call waits for room rather than failing as if the fleet had none.
            return true;
        }
    }

    /// <summary>After "accepted": heartbeats until the outcome; silence past <see cref="FleetClientOptions.NodeLostAfter"/> is a lost node.</summary>
    private async Task<InvocationResult> AwaitOutcomeAsync(
        string callId, string image, string nodeId, CallReplies replies, CancellationToken cancellationToken)
    {
        while (true)
        {
            SyncReply? next;
            try
            {
                next = await replies.ReadAsync(options.NodeLostAfter, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await TellCancelAsync(nodeId, callId).ConfigureAwait(false);
                throw;
            }

            if (next is not { } reply)
            {
                ClientLog.NodeLost(logger, callId, image, nodeId);
                return CallOutcomes.Result(callId, InvocationStatus.Error, new FnError(FnErrorKind.NodeLost, 502,
                    $"node {nodeId} of fleet '{fleet.Fleet}' accepted the call of {image} and then stopped answering for " +
                    $"{options.NodeLostAfter.TotalSeconds:0.#} s (FleetClientOptions.NodeLostAfter); the call may have run, and was not sent again"));
            }

            using (reply.Payload)
            {
                if (reply.Kind == SyncReplies.Outcome)
                {
                    return ToResult(reply.Payload);
                }
            }
        }
    }

    private async Task TellCancelAsync(string nodeId, string callId)
    {
        try
        {
            var headers = new NatsHeaders { [SyncReplies.CallHeader] = callId };
            using var timeout = new CancellationTokenSource(fleet.ConnectTimeout);
            await connection.Connection.PublishAsync(subjects.Cancel(nodeId), headers: headers, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ClientLog.CancelFailed(logger, nodeId, callId, ex);
        }
    }

    private static InvocationResult ToResult(NatsMemoryOwner<byte> payload)
    {
        var memory = payload.Memory;
        var (outcome, body) = FleetFrame.Read(new ReadOnlySequence<byte>(memory), FleetJsonContext.Default.CallOutcome);
        return outcome.ToResult(memory.Span[(int)(memory.Length - body.Length)..]);
    }
}
