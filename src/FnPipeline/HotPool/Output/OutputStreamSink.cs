using System.Buffers;
using FnPipeline.Driver;

namespace FnPipeline.HotPool;

/// <summary>
/// One output stream (stdout or stderr) of a hot container. Hands every chunk to its container's output state and
/// splits it into lines for the log. <see cref="Write"/> never returns <c>false</c> and never blocks: a hot
/// container's output must not stop it, and the driver kills containers whose sink refuses bytes.
/// </summary>
internal sealed class OutputStreamSink(HotContainerOutput owner, string stream, bool isStderr) : IOutputSink, IDisposable
{
    private const int MaxLineBytes = 8 * 1024;
    private byte[]? _partial;
    private int _partialLength;

    public string Stream { get; } = stream;

    public bool IsStderr { get; } = isStderr;

    public bool Write(ReadOnlySpan<byte> chunk)
    {
        var callId = owner.Accept(this, chunk);
        if (owner.Log.IsEnabled)
        {
            SplitLines(chunk, callId);
        }

        return true;
    }

    public void Dispose()
    {
        if (_partial is { } partial)
        {
            _partial = null;
            ArrayPool<byte>.Shared.Return(partial);
        }
    }

    private void SplitLines(ReadOnlySpan<byte> chunk, string? callId)
    {
        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var piece = newline < 0 ? chunk : chunk[..newline];
            if (newline < 0 && _partialLength + piece.Length < MaxLineBytes)
            {
                _partial ??= ArrayPool<byte>.Shared.Rent(MaxLineBytes);
                piece.CopyTo(_partial.AsSpan(_partialLength));
                _partialLength += piece.Length;
                return;
            }

            Emit(piece, callId);
            chunk = newline < 0 ? [] : chunk[(newline + 1)..];
        }
    }

    /// <summary>Logs the buffered partial line joined with <paramref name="end"/> (a line too long is cut into pieces).</summary>
    private void Emit(ReadOnlySpan<byte> end, string? callId)
    {
        if (_partialLength == 0)
        {
            owner.Log.Write(owner, Stream, callId, TrimCarriageReturn(end));
            return;
        }

        var room = MaxLineBytes - _partialLength;
        var take = Math.Min(room, end.Length);
        end[..take].CopyTo(_partial!.AsSpan(_partialLength));
        owner.Log.Write(owner, Stream, callId, TrimCarriageReturn(_partial.AsSpan(0, _partialLength + take)));
        _partialLength = 0;
        if (take < end.Length)
        {
            owner.Log.Write(owner, Stream, callId, TrimCarriageReturn(end[take..]));
        }
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
