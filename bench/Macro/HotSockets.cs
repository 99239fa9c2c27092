using FnPipeline.Benchmarks.Infrastructure;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>
/// Finds the unix sockets of the executor's hot containers (one directory per container under the executor's socket
/// base directory) and sends the bare baseline's request over them with a plain <see cref="HttpClient"/>.
/// </summary>
internal static class HotSockets
{
    /// <summary>
    /// The hot pool's client drops a connection 1 s idle at the handler's next scavenge (at most 1 s later); the test
    /// function serves one connection at a time, so the bare client connects after that.
    /// </summary>
    public static readonly TimeSpan ExecutorConnectionIdle = TimeSpan.FromSeconds(3);

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

    /// <summary>The request the executor sends, the plain way (<see cref="BareHttpStreamCall.EchoAsync"/>).</summary>
    public static Task<int> PostAsync(HttpClient client, byte[] payload, CancellationToken cancellationToken = default) =>
        BareHttpStreamCall.EchoAsync(client, payload, cancellationToken);
}
