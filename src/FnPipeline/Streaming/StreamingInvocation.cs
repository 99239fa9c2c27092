using System.IO.Pipelines;
using FnPipeline.Buffers;
using FnPipeline.Streaming;

namespace FnPipeline;

/// <summary>
/// A call whose output is read while it runs (<see cref="IFnExecutor.InvokeStreamingAsync"/>). Its head — the function's
/// status and headers (http-stream) — is known when this handle is returned; <see cref="Output"/> yields the bytes as the
/// function writes them, with backpressure (a slow reader slows the function; nothing buffers without bound);
/// <see cref="Completion"/> has the final outcome (status, error, timings, stderr, exit code) once the output ended.
/// Dispose it: a call whose output was not read to its end is cancelled (its container killed or replaced).
/// </summary>
/// <remarks>
/// <para>When <see cref="IsStreaming"/> is <c>false</c> the call ended before any output (a failure before the
/// function wrote, or a success with no output): <see cref="Completion"/> is complete, and its result is the buffered
/// one, with its error and output, as <see cref="IFnExecutor.InvokeAsync"/> would return it.</para>
/// <para>When it is <c>true</c> the output began: read <see cref="Output"/> to its end, then await
/// <see cref="Completion"/>, whose result has an empty <see cref="InvocationResult.Output"/> (the bytes went through the
/// stream). A call that fails after its output began (output cap, timeout, non-zero exit, lost connection) makes
/// <see cref="Output"/> throw <see cref="FnStreamException"/> and its result carries the error.</para>
/// </remarks>
public sealed class StreamingInvocation : IAsyncDisposable
{
    private readonly PipeReader? _reader;
    private readonly CancellationTokenSource? _cancellation;
    private int _disposed;

    private StreamingInvocation(InvocationResult result)
    {
        CallId = result.CallId;
        FunctionStatusCode = result.FunctionStatusCode;
        Headers = result.Headers;
        Output = result.OpenOutput();
        Completion = Task.FromResult(result);
    }

    private StreamingInvocation(string callId, StreamingHead head, PipeReader reader, Task<InvocationResult> completion, CancellationTokenSource cancellation)
    {
        CallId = callId;
        IsStreaming = true;
        FunctionStatusCode = head.FunctionStatusCode;
        Headers = head.Headers;
        _reader = reader;
        _cancellation = cancellation;
        Output = reader.AsStream(leaveOpen: true);
        Completion = completion;
    }

    /// <summary>The call's id.</summary>
    public string CallId { get; }

    /// <summary>Whether the output began while the call ran (see the remarks).</summary>
    public bool IsStreaming { get; }

    /// <summary>For http-stream calls, the status the function answered with (200 when streaming).</summary>
    public int? FunctionStatusCode { get; }

    /// <summary>For http-stream calls, the function's response headers (hop-by-hop headers removed).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The function's output, read once, as it is produced.</summary>
    public Stream Output { get; }

    /// <summary>The call's result, complete once the output ended (or the call failed).</summary>
    public Task<InvocationResult> Completion { get; }

    /// <summary>Cancels the call when its output was not read to its end, waits for its end, disposes its result.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_cancellation is not null && !Completion.IsCompleted)
        {
            await _cancellation.CancelAsync().ConfigureAwait(false);
        }

        if (_reader is not null)
        {
            // A writer waiting for this reader returns at once (and discards the rest).
            await _reader.CompleteAsync().ConfigureAwait(false);
        }

        try
        {
            var result = await Completion.ConfigureAwait(false);
            result.Dispose();
        }
#pragma warning disable CA1031 // An engine failure was the caller's to observe through Completion; disposal only ends the call.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        await Output.DisposeAsync().ConfigureAwait(false);
        _cancellation?.Dispose();
    }

    /// <summary>A call that ended before its output began: the buffered result.</summary>
    internal static StreamingInvocation Ended(InvocationResult result) => new(result);

    internal static StreamingInvocation Streaming(string callId, StreamingHead head, PipeReader reader, Task<InvocationResult> completion, CancellationTokenSource cancellation) =>
        new(callId, head, reader, completion, cancellation);
}
