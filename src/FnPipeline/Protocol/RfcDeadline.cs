using System.Globalization;

namespace FnPipeline.Protocol;

/// <summary>
/// Formats <c>Fn-Deadline</c>: RFC 3339 in UTC with milliseconds (<c>2026-11-28T13:05:00.123Z</c>). fdk-go parses it
/// with <c>time.RFC3339</c> (fractions accepted), fdk-node with <c>new Date()</c>.
/// </summary>
internal static class RfcDeadline
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToHeaderValue(DateTimeOffset deadline)
    {
        // Formatted into the stack first so that the header value is the only allocation.
        Span<char> buffer = stackalloc char[32];
        return deadline.UtcDateTime.TryFormat(buffer, out var written, Format, CultureInfo.InvariantCulture)
            ? new string(buffer[..written])
            : deadline.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
    }
}
