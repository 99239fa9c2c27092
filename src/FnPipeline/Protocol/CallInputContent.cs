using System.Buffers;
using System.Net;

namespace FnPipeline.Protocol;

/// <summary>
/// The request body of an http-stream call. Bytes are written as they are (no copy); a stream is copied through
/// one pooled buffer, with a Content-Length when it can seek and chunked otherwise.
/// </summary>
internal sealed class CallInputContent(CallInput input) : HttpContent
{
    private const int CopyBufferSize = 16 * 1024;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        input.Stream is { } source
            ? CopyAsync(source, stream, cancellationToken)
            : stream.WriteAsync(input.Bytes, cancellationToken).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        var known = input.Length;
        length = known ?? 0;
        return known.HasValue;
    }

    private static async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
