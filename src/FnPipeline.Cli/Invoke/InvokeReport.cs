using System.Globalization;
using System.Text;

namespace FnPipeline.Cli.Invoke;

/// <summary>
/// The human report of <c>fnpipe invoke</c> on stderr: the function's own stderr first, then three <c>fnpipe:</c> lines
/// (outcome, per-stage timings, stats).
/// </summary>
internal static class InvokeReport
{
    public static async Task WriteAsync(TextWriter writer, InvocationResult result, TimeSpan total, int exitCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Stderr.Length > 0)
        {
            await writer.WriteAsync(result.Stderr.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (!result.Stderr.EndsWith('\n'))
            {
                await writer.WriteLineAsync(ReadOnlyMemory<char>.Empty, cancellationToken).ConfigureAwait(false);
            }
        }

        await writer.WriteAsync(Format(result, total, exitCode).AsMemory(), cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static string Format(InvocationResult result, TimeSpan total, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(result);
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"fnpipe: {StatusWord(result.Status)}");
        if (result.Error is { } error)
        {
            builder.Append(CultureInfo.InvariantCulture, $": {error.StatusCode} {error.Kind}: {error.Message}");
        }

        builder.Append(CultureInfo.InvariantCulture, $" (call {result.CallId}");
        if (result.ExitCode is { } containerExit)
        {
            builder.Append(CultureInfo.InvariantCulture, $", container exit code {containerExit}");
        }

        if (result.FunctionStatusCode is { } functionStatus)
        {
            builder.Append(CultureInfo.InvariantCulture, $", function status {functionStatus}");
        }

        builder.Append(CultureInfo.InvariantCulture, $", {Ms(total)} in all, fnpipe exit code {exitCode})\n");
        builder.Append("fnpipe: stages: ").Append(Stages(result.Timings)).Append('\n');
        builder.Append("fnpipe: stats: ").Append(Stats(result.Stats)).Append('\n');
        return builder.ToString();
    }

    public static string StatusWord(InvocationStatus status) => status switch
    {
        InvocationStatus.Success => "success",
        InvocationStatus.Error => "error",
        InvocationStatus.Timeout => "timeout",
        InvocationStatus.Killed => "killed",
        _ => "cancelled",
    };

    private static string Stages(StageTimings t) =>
        $"queue {Ms(t.Queue)}, image {Ms(t.Image)}, create {Ms(t.Create)}, start {Ms(t.AttachStart)}, " +
        (t.SocketWait > TimeSpan.Zero ? $"socket wait {Ms(t.SocketWait)}, " : "") +
        $"run {Ms(t.Run)}, " +
        $"cleanup {(t.Cleanup is { } cleanup ? Ms(cleanup) : "pending")}";

    private static string Stats(IReadOnlyList<ContainerStatsSample> samples)
    {
        if (samples.Count == 0)
        {
            return "no samples (the engine samples about once a second; the call was shorter)";
        }

        var cpu = samples.Max(s => s.CpuTotalPercent);
        var memory = samples.Max(s => s.MemoryUsageBytes);
        var limit = samples[^1].MemoryLimitBytes;
        return string.Create(CultureInfo.InvariantCulture,
            $"{samples.Count} sample(s), cpu max {cpu:F1}%, memory max {Mib(memory)} of {Mib(limit)}, " +
            $"net rx/tx {samples[^1].NetworkRxBytes}/{samples[^1].NetworkTxBytes} B, disk r/w {samples[^1].DiskReadBytes}/{samples[^1].DiskWriteBytes} B");
    }

    private static string Ms(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:F1} ms");

    private static string Mib(ulong bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):F1} MiB");
}
