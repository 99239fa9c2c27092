using System.Buffers;
using FnPipeline.Buffers;
using FnPipeline.Streaming;

namespace FnPipeline.Protocol;

/// <summary>
/// Streams a response body into a pooled buffer capped at the call's maximum output size. Past the cap, the rest is
/// read and thrown away (up to a drain allowance) so that the connection, and with it the container, can be kept.
/// </summary>
internal static class ResponseBodyReader
{
    private const int ReadChunk = 16 * 1024;

    /// <summary>A <see cref="ValueTask{TResult}"/>: a small body already buffered with the headers completes without allocating.</summary>
    public static async ValueTask<(PooledOutputBuffer Body, ResponseBodyState State)> ReadAsync(
        HttpContent content, long maxBytes, long maxDrainBytes, CancellationToken cancellationToken)
    {
        var length = content.Headers.ContentLength;
        var body = new PooledOutputBuffer(maxBytes);
        try
        {
            if (length == 0)
            {
                return (body, ResponseBodyState.Complete);
            }

            // Synchronous for a handler's response content (the stream exists once headers are read): no Task<Stream>.
            var stream = content.ReadAsStream(cancellationToken);
            if (await FillAsync(stream, body, length, cancellationToken).ConfigureAwait(false))
            {
                return (body, ResponseBodyState.Complete);
            }

            var state = await DrainAsync(stream, length - body.WrittenCount, maxDrainBytes, cancellationToken).ConfigureAwait(false);
            return (body, state);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A streaming call's body: copied to <paramref name="streamer"/> through one pooled buffer as it arrives; each write
    /// waits while the caller is behind, so the socket is read no faster than the caller reads. Past the cap the bytes up
    /// to it are delivered and the read stops (the container, mid-response, is replaced).
    /// </summary>
    public static async ValueTask<ResponseBodyState> StreamAsync(HttpContent content, OutputStreamer streamer, long maxBytes, CancellationToken cancellationToken)
    {
        var stream = content.ReadAsStream(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            long total = 0;
            var reading = true;
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, ReadChunk), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return ResponseBodyState.Complete;
                }

                var room = maxBytes - total;
                var part = (int)Math.Min(read, room);
                total += part;
                if (reading && part > 0)
                {
                    // false: the caller stopped reading; its disposal cancels the call, meanwhile the rest is discarded.
                    reading = await streamer.WriteAsync(buffer.AsMemory(0, part), cancellationToken).ConfigureAwait(false);
                }

                if (part < read)
                {
                    return ResponseBodyState.TooLargeNotDrained;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads into <paramref name="body"/> until the end (true) or until the cap is full (false).</summary>
    private static async ValueTask<bool> FillAsync(Stream stream, PooledOutputBuffer body, long? length, CancellationToken cancellationToken)
    {
        // With a known length the first rent is exactly the body (up to the cap): one buffer, no growth.
        var hint = (int)Math.Min(Math.Min(length ?? ReadChunk, body.MaxBytes), int.MaxValue);
        while (true)
        {
            var room = body.MaxBytes - body.WrittenCount;
            if (room == 0)
            {
                return length.HasValue && body.WrittenCount >= length.Value;
            }

            var memory = body.GetMemory(Math.Min(room, Math.Max(hint, 1)));
            memory = memory[..Math.Min(memory.Length, room)];
            var read = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return true;
            }

            body.Advance(read);
            hint = ReadChunk;
        }
    }

    private static async ValueTask<ResponseBodyState> DrainAsync(Stream stream, long? remaining, long maxDrainBytes, CancellationToken cancellationToken)
    {
        if (remaining > maxDrainBytes)
        {
            return ResponseBodyState.TooLargeNotDrained;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            // One byte more than the allowance tells "ended within it" from "still going".
            for (long drained = 0; drained <= maxDrainBytes;)
            {
                var read = await stream.ReadAsync(scratch.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return drained == 0 && remaining is null ? ResponseBodyState.Complete : ResponseBodyState.TooLargeDrained;
                }

                drained += read;
            }

            return ResponseBodyState.TooLargeNotDrained;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
