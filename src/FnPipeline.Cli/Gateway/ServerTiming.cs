using System.Globalization;
using System.Text;

namespace FnPipeline.Cli.Gateway;

/// <summary>A call's per-stage timings as a <c>Server-Timing</c> header (milliseconds), which browsers and curl show.</summary>
internal static class ServerTiming
{
    public const string HeaderName = "Server-Timing";

    public static string Format(StageTimings timings, TimeSpan total)
    {
        ArgumentNullException.ThrowIfNull(timings);
        var builder = new StringBuilder(128);
        Append(builder, "queue", timings.Queue);
        Append(builder, "image", timings.Image);
        Append(builder, "create", timings.Create);
        Append(builder, "start", timings.AttachStart);
        if (timings.SocketWait > TimeSpan.Zero)
        {
            // Hot launches only: the wait for the function's socket after the engine's start.
            Append(builder, "socket", timings.SocketWait);
        }

        Append(builder, "run", timings.Run);
        Append(builder, "total", total);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, string name, TimeSpan value)
    {
        if (builder.Length > 0)
        {
            builder.Append(", ");
        }

        builder.Append(name).Append(";dur=").Append(value.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture));
    }
}
