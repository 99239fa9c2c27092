using System.Buffers;
using System.Collections.Concurrent;
using FnPipeline.Fleet.Wire;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace FnPipeline.Fleet.Node;

/// <summary>
/// Runs the synchronous calls that reach a node (docs/fleet.md, "Nodes"): takes a slot or answers "busy", runs the call
/// on the executor (its caller told "accepted" then "working" once it has run a moment, <see cref="CallKeepAlive"/>),
/// marks its function hot, gives the slot back (subscribing again before
/// the outcome goes out, so the caller's next call finds the node on the hot subject), and answers the outcome. A
/// client's cancellation cancels the call on the executor.
/// </summary>
internal sealed class NodeCallRunner(
    IFnExecutor executor,
    NodeRoom room,
    NodeSubscriptions subscriptions,
    NodeReplies replies,
    FleetSubjects subjects,
    FleetNodeOptions options,
    string nodeId,
    Action slotReleased,
    TimeProvider time,
    ILogger logger)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    /// <summary>A message on a call subject.</summary>
    public async Task OnCallAsync(NatsMsg<NatsMemoryOwner<byte>> msg)
    {
        using var payload = msg.Data;
        if (msg.ReplyTo is not { } replyTo)
        {
            return;
        }

        if (!room.TryTake())
        {
            NodeLog.Busy(logger, nodeId, msg.Subject);
            await replies.PublishAsync(replyTo, SyncReplies.Busy, "busy reply").ConfigureAwait(false);
            return;
        }

        if (room.InFlight >= room.Capacity)
        {
            _ = subscriptions.ResyncAsync(); // full now: leave every call subject at once
        }

        CallOutcome outcome;
        ReadOnlyMemory<byte> output = default;
        InvocationResult? result = null;
        try
        {
            (outcome, result) = await RunAsync(msg.Subject, payload.Memory, replyTo).ConfigureAwait(false);
            output = result?.Output ?? default;
        }
        finally
        {
            room.Release();
            // Subscribed again (and to the hot subject when the call made its function hot) before the reply goes out,
            // on the same connection: the caller's next call already finds this node on the hot subject.
            await subscriptions.ResyncAsync().ConfigureAwait(false);
            slotReleased();
        }

        using (result)
        {
            await replies.PublishOutcomeAsync(replyTo, outcome, output).ConfigureAwait(false);
        }
    }

    /// <summary>A message on the node's cancel subject: the caller of a running call gave up.</summary>
    public async Task OnCancelAsync(NatsMsg<NatsMemoryOwner<byte>> msg)
    {
        using var payload = msg.Data;
        if (msg.Headers is { } headers && headers.TryGetValue(SyncReplies.CallHeader, out var callId)
            && _running.TryGetValue(callId.ToString(), out var running))
        {
            await CancelQuietlyAsync(running).ConfigureAwait(false);
        }
    }

    /// <summary>Cancels every running call (a drain past its timeout, a crash).</summary>
    public async Task CancelAllAsync()
    {
        foreach (var running in _running.Values)
        {
            await CancelQuietlyAsync(running).ConfigureAwait(false);
        }
    }

    private async Task<(CallOutcome Outcome, InvocationResult? Result)> RunAsync(string subject, ReadOnlyMemory<byte> payload, string replyTo)
    {
        CallSpec spec;
        ReadOnlyMemory<byte> input;
        try
        {
            var (head, body) = FleetFrame.Read(new ReadOnlySequence<byte>(payload), FleetJsonContext.Default.CallSpec);
            spec = head;
            input = payload[(int)(payload.Length - body.Length)..];
        }
        catch (FleetProtocolException ex)
        {
            NodeLog.BadMessage(logger, nodeId, subject, ex);
            return (replies.ErrorOutcome("", new FnError(FnErrorKind.InvalidCall, 400, $"node {nodeId}: {ex.Message}")), null);
        }

        if (spec.CallId is not { } callId)
        {
            callId = Guid.CreateVersion7().ToString("N");
            spec = spec with { CallId = callId };
        }

        NodeLog.CallTaken(logger, nodeId, callId, subject);
        // Known as running before the client learns it was accepted: a cancel sent on "accepted" must find it.
        using var cancel = new CancellationTokenSource();
        _running[callId] = cancel;
        if (options.AcceptedAfter <= TimeSpan.Zero)
        {
            await replies.PublishAsync(replyTo, SyncReplies.Accepted, "accepted reply").ConfigureAwait(false);
        }

        using var keepAlive = CallKeepAlive.Start(replies, replyTo, time, options.AcceptedAfter, options.HeartbeatInterval);
        try
        {
            var result = await executor.InvokeAsync(spec.ToCall(CallInput.FromBytes(input)), cancel.Token).ConfigureAwait(false);
            if (result.Status == InvocationStatus.Cancelled && room.Draining && cancel.IsCancellationRequested)
            {
                result.Dispose();
                return (replies.ErrorOutcome(callId, new FnError(FnErrorKind.ShuttingDown, 503, $"node {nodeId} shut down before the call finished")), null);
            }

            if (spec.Format == FunctionFormat.HttpStream && result.ContainerId is not null
                && (result.IsSuccess || result.Error?.Kind == FnErrorKind.FunctionFailed))
            {
                var idle = spec.IdleTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.HotIdleTimeout;
                // A call that came on its function's hot subject names its key there (the client computed it alike).
                room.MarkHot(subjects.HotKeyOf(subject) ?? FleetFunctionKey.Compute(spec), spec.FunctionName, spec.Image, idle);
            }

            return (CallOutcome.From(result, nodeId), result);
        }
        catch (InvalidFunctionCallException ex)
        {
            return (replies.ErrorOutcome(callId, new FnError(FnErrorKind.InvalidCall, 400, ex.Message)), null);
        }
        catch (Exception ex)
        {
            NodeLog.CallFailed(logger, nodeId, callId, ex);
            return (replies.ErrorOutcome(callId, new FnError(FnErrorKind.EngineError, 502, $"node {nodeId}: {ex.Message}")), null);
        }
        finally
        {
            _running.TryRemove(callId, out _);
        }
    }

    private static async Task CancelQuietlyAsync(CancellationTokenSource running)
    {
        try
        {
            await running.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The call finished meanwhile.
        }
    }
}
