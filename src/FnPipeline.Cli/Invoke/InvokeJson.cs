using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using System.Text.Json.Serialization;

namespace FnPipeline.Cli.Invoke;

/// <summary>The <c>--json</c> document of <c>fnpipe invoke</c> (fields: docs/cli.md).</summary>
internal static class InvokeJson
{
    /// <summary>
    /// Most output bytes a failed call's document carries: its output is diagnostic there (a call that failed with
    /// "output too large" held up to the executor's whole output limit), so only its start is kept.
    /// </summary>
    public const int FailedOutputExcerptBytes = 64 * 1024;

    public static async Task WriteAsync(Stream stdout, InvocationResult result, TimeSpan total, int exitCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        await JsonSerializer.SerializeAsync(stdout, Document(result, total, exitCode), InvokeJsonContext.Readable.InvokeDocument, cancellationToken).ConfigureAwait(false);
        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static InvokeDocument Document(InvocationResult result, TimeSpan total, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(result);
        var full = result.Output.Span;
        var truncated = result.Status != InvocationStatus.Success && full.Length > FailedOutputExcerptBytes;
        var output = truncated ? full[..Utf8Boundary(full, FailedOutputExcerptBytes)] : full;
        var isText = Utf8.IsValid(output);
        var t = result.Timings;
        return new InvokeDocument(
            result.CallId,
            InvokeReport.StatusWord(result.Status),
            exitCode,
            result.ExitCode,
            result.FunctionStatusCode,
            result.Error is { } e ? new ErrorDocument(e.Kind.ToString(), e.StatusCode, e.Message) : null,
            isText ? Encoding.UTF8.GetString(output) : null,
            isText ? null : Convert.ToBase64String(output),
            full.Length,
            truncated,
            result.Stderr,
            new TimingsDocument(Ms(t.Queue), Ms(t.Image), Ms(t.Create), Ms(t.AttachStart), Ms(t.SocketWait), Ms(t.Run), t.Cleanup is { } c ? Ms(c) : null, Ms(total)),
            result.Headers.Select(h => new HeaderDocument(h.Key, h.Value)).ToList(),
            result.Stats,
            result.ContainerId);
    }

    // Cuts before a UTF-8 continuation byte, so that a text output stays text in its excerpt.
    private static int Utf8Boundary(ReadOnlySpan<byte> bytes, int limit)
    {
        var end = limit;
        while (end > limit - 4 && end > 0 && (bytes[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return end;
    }

    private static double Ms(TimeSpan value) => Math.Round(value.TotalMilliseconds, 3);
}

internal sealed record InvokeDocument(
    string CallId,
    string Status,
    int FnpipeExitCode,
    long? ContainerExitCode,
    int? FunctionStatusCode,
    ErrorDocument? Error,
    string? Output,
    string? OutputBase64,
    int OutputBytes,
    bool OutputTruncated,
    string Stderr,
    TimingsDocument TimingsMs,
    IReadOnlyList<HeaderDocument> Headers,
    IReadOnlyList<ContainerStatsSample> Stats,
    string? ContainerId);

internal sealed record ErrorDocument(string Kind, int StatusCode, string Message);

internal sealed record TimingsDocument(double Queue, double Image, double Create, double Start, double SocketWait, double Run, double? Cleanup, double Total);

internal sealed record HeaderDocument(string Name, string Value);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(InvokeDocument))]
internal sealed partial class InvokeJsonContext : JsonSerializerContext
{
    /// <summary>Text as written: the document is UTF-8 JSON for people and jq, never embedded in HTML.</summary>
    public static InvokeJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
