using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace FnPipeline.Cli.Gateway;

/// <summary>A request body read into a pooled buffer, up to a limit; disposing returns the buffer.</summary>
internal sealed class RequestBody : IDisposable
{
    private const int InitialSize = 16 * 1024;

    private byte[]? _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, Length);

    /// <summary>The body, or <c>null</c> when it is longer than <paramref name="limit"/> bytes (then nothing more is read).</summary>
    public static async Task<RequestBody?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } declared && declared > limit)
        {
            return null;
        }

        var cap = (int)Math.Min(limit, Array.MaxLength - 1);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? InitialSize, 1, cap + 1L));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > cap)
                    {
                        break;
                    }

                    buffer = Grow(buffer, (int)Math.Min((long)buffer.Length * 2, cap + 1L));
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length > cap)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return null;
            }

            return new RequestBody(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int size)
    {
        var larger = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan().CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
