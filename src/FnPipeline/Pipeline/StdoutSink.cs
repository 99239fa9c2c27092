using FnPipeline.Buffers;
using FnPipeline.Driver;
using FnPipeline.Streaming;

namespace FnPipeline.Pipeline;

/// <summary>
/// Collects a container's stdout into a pooled, capped buffer whose ownership moves to the result; or, for a streaming
/// call, passes it to the call's <see cref="OutputStreamer"/> as it comes (the same cap, counted instead of buffered).
/// </summary>
internal sealed class StdoutSink : IAsyncOutputSink, IDisposable
{
    private readonly OutputStreamer? _streamer;
    private PooledOutputBuffer? _buffer;
    private long _streamed;

    public StdoutSink(long maxBytes, OutputStreamer? streamer = null)
    {
        MaxBytes = maxBytes;
        _streamer = streamer;
        _buffer = streamer is null ? new PooledOutputBuffer(maxBytes) : null;
    }

    public long MaxBytes { get; }

    /// <summary>Whether the output goes to a streaming call's reader (written through <see cref="WriteAsync"/>).</summary>
    public bool IsStreaming => _streamer is not null;

    public bool Write(ReadOnlySpan<byte> chunk) =>
        _streamer is null
            ? _buffer?.TryAppend(chunk) ?? false
            : throw new InvalidOperationException("a streaming call's stdout is written through WriteAsync");

    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (_streamer is null)
        {
            return Write(chunk.Span);
        }

        // Past the cap, the bytes up to it still reach the reader; the call then fails (the container is killed).
        var room = MaxBytes - _streamed;
        var accepted = chunk.Length <= room;
        var part = accepted ? chunk : chunk[..(int)Math.Max(room, 0)];
        _streamed += part.Length;
        if (!part.IsEmpty)
        {
            // A reader that stopped reading is not a cap: the rest is discarded and the call ends as it ends.
            await _streamer.WriteAsync(part, cancellationToken).ConfigureAwait(false);
        }

        return accepted;
    }

    /// <summary>Hands the buffer to the result; the sink no longer returns it.</summary>
    public PooledOutputBuffer? Detach() => Interlocked.Exchange(ref _buffer, null);

    public void Dispose() => Detach()?.Dispose();
}
