using System.Globalization;
using System.Text;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>
/// Finds the unix sockets of the executor's hot containers (one directory per container under the executor's socket
/// base directory) and sends the bare baseline's request over them with a plain <see cref="HttpClient"/>.
/// </summary>
internal static class HotSockets
{
    /// <summary>The hot pool's client drops a connection after 1 s idle; the bare client may connect after that.</summary>
    public static readonly TimeSpan ExecutorConnectionIdle = TimeSpan.FromSeconds(1.5);

    public static IReadOnlyList<string> Find(string socketBaseDirectory) =>
        Directory.EnumerateFiles(socketBaseDirectory, "lsnr.sock", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    /// <summary>Makes the hot pool start <paramref name="containers"/> containers: that many concurrent calls that each hold one for 0.5 s.</summary>
    public static async Task WarmAsync(FnExecutor executor, FunctionCall call, int containers)
    {
        var hold = call with { Input = CallInput.FromString("!sleep 500\nwarm") };
        await Task.WhenAll(Enumerable.Range(0, containers).Select(async _ =>
        {
            using var result = await executor.InvokeAsync(hold);
            if (result.Status != InvocationStatus.Success)
            {
                throw new InvalidOperationException($"warm-up hot call failed: {result}");
            }
        }));
    }

    /// <summary>The request the executor sends: POST /call with the body, a call id and a deadline.</summary>
    public static async Task<int> PostAsync(HttpClient client, byte[] payload, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "call") { Content = new ByteArrayContent(payload) };
        request.Headers.TryAddWithoutValidation("Fn-Call-Id", Guid.CreateVersion7().ToString("N"));
        request.Headers.TryAddWithoutValidation("Fn-Deadline", DateTime.UtcNow.AddSeconds(30).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.IsSuccessStatusCode && body.Length == payload.Length
            ? body.Length
            : throw new InvalidOperationException($"bare hot call: {(int)response.StatusCode}, {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200)))}");
    }
}
