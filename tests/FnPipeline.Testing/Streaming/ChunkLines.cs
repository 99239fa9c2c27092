using System.Globalization;
using System.Text;

namespace FnPipeline.Testing;

/// <summary>
/// Reads the test function's <c>!chunks N MS</c> output ("chunk K/N at UNIXMS" lines) as it arrives: when the first
/// line reached the reader (this host's clock, which containers share) and when the function wrote its last line.
/// </summary>
public static class ChunkLines
{
    public static async Task<ChunkTimes> ReadAsync(Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        long? firstReceived = null;
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await output.ReadAsync(buffer, cancellationToken)) > 0)
        {
            firstReceived ??= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var written = lines.Select(line => long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToArray();
        return new ChunkTimes(lines, firstReceived ?? long.MaxValue, written);
    }
}

/// <summary>The lines, when the first arrived and when each was written (Unix milliseconds).</summary>
public sealed record ChunkTimes(IReadOnlyList<string> Lines, long FirstReceivedAt, IReadOnlyList<long> WrittenAt);
