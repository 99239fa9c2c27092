using System.Globalization;

namespace FnPipeline.Testing;

/// <summary>
/// The test function's streaming commands seen from a test (docs/testing.md): the <c>!pattern</c> bytes, the FNV-1a 64
/// hash <c>!hash</c> answers, a stream that yields the pattern without holding it, and a hash of a response read as it
/// arrives, so a 100 MB exchange is checked byte for byte without holding 100 MB.
/// </summary>
public static class TestPattern
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>Byte <paramref name="index"/> of the pattern (the function's <c>StreamingCommands.PatternByte</c>).</summary>
    public static byte At(long index) => (byte)(index ^ (index >> 11) ^ (index >> 23));

    /// <summary>The <c>!hash</c> answer for <paramref name="length"/> bytes of the pattern: "LENGTH HASH\n".</summary>
    public static string HashLine(long length)
    {
        var hash = new Fnv1a();
        var block = new byte[64 * 1024];
        for (long offset = 0; offset < length; offset += block.Length)
        {
            var size = (int)Math.Min(block.Length, length - offset);
            Fill(block.AsSpan(0, size), offset);
            hash.Append(block.AsSpan(0, size));
        }

        return hash.Line;
    }

    /// <summary>Reads <paramref name="source"/> to its end and answers as <c>!hash</c> would for those bytes.</summary>
    public static async Task<string> HashAsync(Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var hash = new Fnv1a();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.Append(buffer.AsSpan(0, read));
        }

        return hash.Line;
    }

    /// <summary>
    /// A stream of the pattern's first <paramref name="length"/> bytes, after <paramref name="prefix"/> (e.g.
    /// <c>"!hash\n"</c>); generated as it is read. Seekable only to report its length (a Content-Length).
    /// </summary>
    public static Stream Open(long length, string prefix = "") => new PatternStream(System.Text.Encoding.ASCII.GetBytes(prefix), length);

    private static void Fill(Span<byte> block, long offset)
    {
        for (var i = 0; i < block.Length; i++)
        {
            block[i] = At(offset + i);
        }
    }

    private sealed class Fnv1a
    {
        private ulong _hash = FnvOffset;
        private long _length;

        public string Line => $"{_length.ToString(CultureInfo.InvariantCulture)} {_hash:x16}\n";

        public void Append(ReadOnlySpan<byte> bytes)
        {
            var hash = _hash;
            foreach (var b in bytes)
            {
                hash = (hash ^ b) * FnvPrime;
            }

            _hash = hash;
            _length += bytes.Length;
        }
    }

    private sealed class PatternStream(byte[] prefix, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => prefix.Length + length;

        public override long Position
        {
            get => _position;
            set => _position = value == 0 ? 0 : throw new NotSupportedException("only a rewind to the start");
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, Length - _position);
            for (var i = 0; i < n; i++)
            {
                var at = _position + i;
                buffer[i] = at < prefix.Length ? prefix[at] : At(at - prefix.Length);
            }

            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) =>
            origin == SeekOrigin.Begin && offset == 0 ? _position = 0 : throw new NotSupportedException("only a rewind to the start");

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
