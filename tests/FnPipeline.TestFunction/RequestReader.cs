using System.Globalization;
using System.Text;

namespace FnPipeline.TestFunction;

/// <summary>Reads HTTP/1.1 requests (head, then a Content-Length or chunked body) from a stream.</summary>
internal sealed class RequestReader
{
    private const int MaxLineLength = 64 * 1024;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public RequestReader(Stream stream) => _stream = stream;

    /// <summary>Reads the request line and headers; null when the peer closed the connection first.</summary>
    public (string RequestLine, List<KeyValuePair<string, string>> Headers)? ReadHead()
    {
        string? requestLine = ReadLine();
        while (requestLine is { Length: 0 })
        {
            requestLine = ReadLine();
        }

        if (requestLine is null)
        {
            return null;
        }

        var headers = new List<KeyValuePair<string, string>>();
        while (true)
        {
            string line = ReadLine() ?? throw new InvalidDataException("connection closed inside the request head");
            if (line.Length == 0)
            {
                return (requestLine, headers);
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"malformed header line '{line}'");
            }

            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
    }

    /// <summary>
    /// Whether a Content-Length body starts with <paramref name="prefix"/>, reading no more of it than that (the
    /// bytes stay buffered for <see cref="ReadBody"/>).
    /// </summary>
    public bool BodyStartsWith(CallRequest head, ReadOnlySpan<byte> prefix)
    {
        if (!long.TryParse(head.GetHeader("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out long length) || length < prefix.Length)
        {
            return false;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        while (_end < prefix.Length)
        {
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return _buffer.AsSpan(0, prefix.Length).SequenceEqual(prefix);
    }

    /// <summary>A Content-Length body as a stream (the buffered bytes first), read as the caller goes.</summary>
    public Stream OpenContentBody(CallRequest head) =>
        new ContentBody(this, long.Parse(head.GetHeader("Content-Length")!, NumberStyles.None, CultureInfo.InvariantCulture));

    public byte[] ReadBody(CallRequest head)
    {
        string? transferEncoding = head.GetHeader("Transfer-Encoding");
        if (transferEncoding is not null && transferEncoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return ReadChunked();
        }

        string? contentLength = head.GetHeader("Content-Length");
        if (contentLength is null)
        {
            return [];
        }

        int length = int.Parse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture);
        var body = new byte[length];
        ReadExactly(body);
        return body;
    }

    private byte[] ReadChunked()
    {
        using var body = new MemoryStream();
        while (true)
        {
            string sizeLine = ReadLine() ?? throw new InvalidDataException("connection closed inside a chunked body");
            int extension = sizeLine.IndexOf(';', StringComparison.Ordinal);
            string hex = (extension < 0 ? sizeLine : sizeLine[..extension]).Trim();
            int size = int.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                // Trailers, up to the empty line.
                while (ReadLine() is { Length: > 0 })
                {
                }

                return body.ToArray();
            }

            var chunk = new byte[size];
            ReadExactly(chunk);
            body.Write(chunk);
            if (ReadLine() is not { Length: 0 })
            {
                throw new InvalidDataException("chunk not followed by CRLF");
            }
        }
    }

    private void ReadExactly(Span<byte> destination)
    {
        int buffered = Math.Min(_end - _start, destination.Length);
        _buffer.AsSpan(_start, buffered).CopyTo(destination);
        _start += buffered;
        if (buffered < destination.Length)
        {
            _stream.ReadExactly(destination[buffered..]);
        }
    }

    private string? ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !Fill())
            {
                return line.Length == 0 ? null : throw new InvalidDataException("connection closed inside a line");
            }

            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int stop = newline < 0 ? _end : newline;
            line.Append(Encoding.Latin1.GetString(_buffer, _start, stop - _start));
            _start = newline < 0 ? _end : newline + 1;
            if (line.Length > MaxLineLength)
            {
                throw new InvalidDataException("line too long");
            }

            if (newline >= 0)
            {
                return line.ToString().TrimEnd('\r');
            }
        }
    }

    private bool Fill()
    {
        _start = 0;
        _end = _stream.Read(_buffer, 0, _buffer.Length);
        return _end > 0;
    }

    private sealed class ContentBody(RequestReader reader, long length) : Stream
    {
        private long _read;

        private long Left => length - _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int wanted = (int)Math.Min(count, Left);
            if (wanted == 0)
            {
                return 0;
            }

            int read;
            if (reader._end > reader._start)
            {
                read = Math.Min(wanted, reader._end - reader._start);
                reader._buffer.AsSpan(reader._start, read).CopyTo(buffer.AsSpan(offset));
                reader._start += read;
            }
            else
            {
                read = reader._stream.Read(buffer, offset, wanted);
                if (read == 0)
                {
                    throw new EndOfStreamException("connection closed inside the request body");
                }
            }

            _read += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
