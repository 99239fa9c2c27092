using System.Globalization;
using System.Text;

namespace FnPipeline.TestFunction;

/// <summary>
/// Commands whose input or output is streamed, never held whole (docs/testing.md): <c>!hash</c> reads the rest of the
/// input and answers its length and SHA-256; <c>!pattern N</c> writes N bytes of <see cref="PatternByte"/>;
/// <c>!chunks N MS</c> writes N lines <c>chunk K/N at UNIXMS</c> MS ms apart, each flushed as it is written.
/// </summary>
internal static class StreamingCommands
{
    private const int BlockSize = 64 * 1024;

    /// <summary>Byte <paramref name="index"/> of the pattern (the test kit's <c>TestPattern</c> computes the same).</summary>
    public static byte PatternByte(long index) => (byte)(index ^ (index >> 11) ^ (index >> 23));

    /// <summary>The streaming command a first input line names, or null.</summary>
    public static Command? Parse(string firstLine)
    {
        string[] words = firstLine.TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return null;
        }

        long Arg(int i) => words.Length > i && long.TryParse(words[i], NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : -1;
        return words[0] switch
        {
            "!hash" => new Command("hash", 0, 0),
            "!pattern" when Arg(1) >= 0 => new Command("pattern", Arg(1), 0),
            "!chunks" when Arg(1) >= 0 && Arg(2) >= 0 => new Command("chunks", Arg(1), Arg(2)),
            _ => null,
        };
    }

    /// <summary>The length and FNV-1a 64 hash (16 hex digits) of everything <paramref name="input"/> still yields.</summary>
    public static byte[] Hash(Stream input)
    {
        var buffer = new byte[BlockSize];
        ulong hash = 14695981039346656037UL;
        long length = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            foreach (byte b in buffer.AsSpan(0, read))
            {
                hash = (hash ^ b) * 1099511628211UL;
            }

            length += read;
        }

        return Encoding.ASCII.GetBytes($"{length} {hash:x16}\n");
    }

    /// <summary>Writes the pattern's first <paramref name="count"/> bytes through <paramref name="write"/>, block by block.</summary>
    public static void WritePattern(long count, Action<byte[], int> write)
    {
        var block = new byte[BlockSize];
        for (long offset = 0; offset < count; offset += BlockSize)
        {
            int size = (int)Math.Min(BlockSize, count - offset);
            for (int i = 0; i < size; i++)
            {
                block[i] = PatternByte(offset + i);
            }

            write(block, size);
        }
    }

    /// <summary>Writes <paramref name="count"/> timestamped lines <paramref name="delayMs"/> apart, each flushed.</summary>
    public static void WriteChunks(long count, long delayMs, Action<byte[]> writeAndFlush)
    {
        for (long k = 1; k <= count; k++)
        {
            if (k > 1)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(delayMs));
            }

            writeAndFlush(Encoding.ASCII.GetBytes($"chunk {k}/{count} at {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\n"));
        }
    }

    internal sealed record Command(string Name, long Count, long DelayMs);
}
