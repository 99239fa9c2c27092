namespace FnPipeline;

/// <summary>The input of a call: bytes the caller already holds, or a stream read once while the call runs.</summary>
public sealed class CallInput
{
    private CallInput(ReadOnlyMemory<byte> bytes, Stream? stream, long? declaredLength = null)
    {
        Bytes = bytes;
        Stream = stream;
        _declaredLength = declaredLength;
    }

    private readonly long? _declaredLength;

    /// <summary>An empty input.</summary>
    public static CallInput Empty { get; } = new(ReadOnlyMemory<byte>.Empty, null);

    /// <summary>The input bytes when the input is not a stream.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The input stream, read to its end once; the caller keeps ownership.</summary>
    public Stream? Stream { get; }

    /// <summary>The input length when known.</summary>
    public long? Length => Stream is null ? Bytes.Length : _declaredLength ?? (Stream.CanSeek ? Stream.Length - Stream.Position : null);

    /// <summary>Input from bytes.</summary>
    public static CallInput FromBytes(ReadOnlyMemory<byte> bytes) => new(bytes, null);

    /// <summary>Input from a UTF-8 string.</summary>
    public static CallInput FromString(string text) => new(System.Text.Encoding.UTF8.GetBytes(text), null);

    /// <summary>Input from a stream that the call reads to its end. The caller keeps ownership of the stream.</summary>
    public static CallInput FromStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new(ReadOnlyMemory<byte>.Empty, stream);
    }

    /// <summary>
    /// Input from a stream of a known length that cannot seek (e.g. a request body with a Content-Length): http-stream
    /// calls send it with that Content-Length instead of chunked. The stream must yield exactly
    /// <paramref name="length"/> bytes. The caller keeps ownership of the stream.
    /// </summary>
    public static CallInput FromStream(Stream stream, long length)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new(ReadOnlyMemory<byte>.Empty, stream, length);
    }
}
