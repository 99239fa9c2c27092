using FnPipeline.Cli.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Gateway;

/// <summary>
/// The answer of a call whose output is a stream: held briefly so that a short call is answered whole, else relayed
/// chunk by chunk at the caller's pace. One per gateway, shared by every request (per-call state lives in the
/// request's own frames and one pooled buffer).
/// </summary>
internal sealed class StreamingAnswer(GatewaySettings settings, CallAnswers answers, TimeProvider time, ILogger<FunctionEndpoints> logger)
{
    /// <summary>The piece a streamed output is read and written in (one pooled buffer per streaming call).</summary>
    private const int StreamChunkBytes = 64 * 1024;

    /// <summary>
    /// Streams a call whose output began. Up to 64 KiB of it is held for <see cref="GatewaySettings.StreamHold"/>: a call that
    /// ends meanwhile is answered whole (its real status, Content-Length, Server-Timing). Otherwise the head goes out
    /// (200, or the trigger's unwrapped status, and the function's headers), then each chunk as the function produces
    /// it, flushed. The caller's pace holds the function back (the output stream waits for this loop, Kestrel's writes
    /// wait for the client). A failure after the head (a cap, a timeout, an exit code, the request body past its limit)
    /// cannot change the status any more: the connection is aborted, so the client sees a cut response rather than a
    /// complete one, and the call is logged and counted as failed.
    /// </summary>
    public async Task StreamAsync(
        HttpContext context, string route, string name, FunctionDefinition function, StreamingInvocation invocation, RequestBodyStream body, long started, bool trigger)
    {
        var cancellationToken = context.RequestAborted;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(StreamChunkBytes);
        Exception? failure = null;
        var held = 0;
        var ended = false;
        Task<int>? pending = null;
        try
        {
            pending = invocation.Output.ReadAsync(buffer.AsMemory(0, StreamChunkBytes), cancellationToken).AsTask();
            var holdUntil = time.GetTimestamp() + (long)(settings.StreamHold.TotalSeconds * time.TimestampFrequency);
            while (true)
            {
                var left = TimeSpan.FromSeconds((double)(holdUntil - time.GetTimestamp()) / time.TimestampFrequency);
                if (!pending.IsCompleted && left > TimeSpan.Zero)
                {
                    await Task.WhenAny(pending, Task.Delay(left, time, cancellationToken)).ConfigureAwait(false);
                }

                if (!pending.IsCompleted)
                {
                    break;
                }

                var read = await pending.ConfigureAwait(false);
                if (read == 0)
                {
                    ended = true;
                    break;
                }

                held += read;
                if (held == StreamChunkBytes)
                {
                    pending = null;
                    break;
                }

                pending = invocation.Output.ReadAsync(buffer.AsMemory(held, StreamChunkBytes - held), cancellationToken).AsTask();
            }

            if (!ended)
            {
                GatewayResponses.WriteStreamHead(context.Response, invocation, buffer.AsSpan(0, held), trigger && function.Format == FunctionFormat.HttpStream);
                await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
                await WriteChunkAsync(context.Response, buffer.AsMemory(0, held), cancellationToken).ConfigureAwait(false);

                // The read still pending (if any) fills the part of the buffer after what was held.
                if (pending is not null)
                {
                    var read = await pending.ConfigureAwait(false);
                    pending = null;
                    await WriteChunkAsync(context.Response, buffer.AsMemory(held, read), cancellationToken).ConfigureAwait(false);
                    ended = read == 0;
                }

                while (!ended)
                {
                    var read = await invocation.Output.ReadAsync(buffer.AsMemory(0, StreamChunkBytes), cancellationToken).ConfigureAwait(false);
                    ended = read == 0;
                    await WriteChunkAsync(context.Response, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                held = 0;
            }
        }
        catch (FnStreamException e)
        {
            failure = e;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The client went away: disposing the invocation cancels the call.
            failure = e;
        }

        try
        {
            await FinishStreamAsync(context, route, name, function, invocation, body, buffer.AsMemory(0, held), failure, started, trigger).ConfigureAwait(false);
        }
        finally
        {
            // A read still pending (the head's write failed under it) may yet fill the buffer: it is left to the GC.
            if (pending is null || pending.IsCompleted)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task WriteChunkAsync(HttpResponse response, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (!chunk.IsEmpty)
        {
            await response.Body.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After the output: the whole answer when nothing went out yet (<paramref name="held"/>), else the outcome's log line or the abort.</summary>
    private async Task FinishStreamAsync(
        HttpContext context, string route, string name, FunctionDefinition function, StreamingInvocation invocation, RequestBodyStream body, ReadOnlyMemory<byte> held, Exception? failure, long started, bool trigger)
    {
        var cancellationToken = context.RequestAborted;
        InvocationResult result;
        try
        {
            result = await invocation.Completion.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GatewayLog.EngineFailed(logger, name, e);
            if (!context.Response.HasStarted)
            {
                await answers.FailAsync(context, route, FnEngineException.StatusCode, $"Engine failure: {e.Message}").ConfigureAwait(false);
                return;
            }

            answers.Abort(context, route, name, invocation.CallId, FnEngineException.StatusCode, $"Engine failure: {e.Message}", started);
            return;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            answers.ClientGone(context, route, name, invocation.CallId, started);
        }
        else if (!context.Response.HasStarted)
        {
            // Ended within the hold, or failed before the head: a whole answer with the call's real status.
            if (body.LimitExceeded)
            {
                await answers.FailAsync(context, route, StatusCodes.Status413PayloadTooLarge, answers.TooLarge()).ConfigureAwait(false);
                return;
            }

            await answers.WriteAsync(context, route, name, function, result, held, time.GetElapsedTime(started), trigger).ConfigureAwait(false);
        }
        else if (result.Error is { } error)
        {
            answers.Abort(context, route, name, invocation.CallId, error.StatusCode, error.Message, started);
        }
        else if (body.LimitExceeded || failure is not null)
        {
            answers.Abort(context, route, name, invocation.CallId, StatusCodes.Status413PayloadTooLarge, failure?.Message ?? answers.TooLarge(), started);
        }
        else
        {
            answers.Answered(context, route, invocation.CallId, time.GetElapsedTime(started), "");
        }
    }
}
