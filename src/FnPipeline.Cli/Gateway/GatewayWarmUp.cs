using System.Diagnostics;
using FnPipeline.Cli.Functions;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Gateway;

/// <summary>What the warm-up did: gateway requests sent, function calls made (and how many answered 2xx), its time.</summary>
internal sealed record WarmUpOutcome(int Requests, int Calls, int CallsSucceeded, TimeSpan Elapsed);

/// <summary>
/// The warm-up of <c>fnpipe serve</c> (docs/cli.md): once Kestrel listens and before the listening line is printed, real
/// HTTP requests over loopback go through the whole request path (Kestrel, routing, the endpoints, the executor), so
/// that the first callers find that code compiled and, with <see cref="WarmUpMode.Hot"/>, each http-stream function's
/// first container ready. The first seconds of load otherwise wait on both (docs/performance.md, "warm").
/// </summary>
internal static class GatewayWarmUp
{
    /// <summary>
    /// Rounds of the gateway requests: past 30 calls a method is queued for the optimising tier, so the code the
    /// requests share leaves tier 0 during the warm-up rather than under the first load.
    /// </summary>
    public const int GatewayRounds = 32;

    public static async Task<WarmUpOutcome> RunAsync(
        Uri address, FunctionsFile functions, WarmUpMode mode, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(functions);
        var started = Stopwatch.GetTimestamp();
        if (mode == WarmUpMode.Off)
        {
            return new WarmUpOutcome(0, 0, 0, TimeSpan.Zero);
        }

        // Its own handler: the connections close with it, so no warm-up socket stays open in Kestrel.
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        var requests = 0;
        for (var round = 0; round < GatewayRounds; round++)
        {
            // Answers are not checked: /health answers 503 while the engine is unreachable, and the fallback 404 is the point.
            foreach (var path in (string[])["health", "metrics", "fnpipe-warm-up"])
            {
                using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                requests++;
            }
        }

        var calls = 0;
        var succeeded = 0;
        if (mode == WarmUpMode.Hot)
        {
            var hot = functions.Functions.Where(f => f.Format == FunctionFormat.HttpStream).ToList();
            var answers = await Task.WhenAll(hot.Select(f => CallAsync(client, f.Name, cancellationToken))).ConfigureAwait(false);
            calls = answers.Length;
            for (var i = 0; i < answers.Length; i++)
            {
                if (answers[i] is >= 200 and < 300)
                {
                    succeeded++;
                }
                else
                {
                    GatewayLog.WarmUpCallFailed(logger, hot[i].Name, answers[i]);
                }
            }
        }

        return new WarmUpOutcome(requests, calls, succeeded, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>One call of the function with an empty body through the gateway; its status code.</summary>
    private static async Task<int> CallAsync(HttpClient client, string name, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent([]);
        using var response = await client.PostAsync($"invoke/{Uri.EscapeDataString(name)}", content, cancellationToken).ConfigureAwait(false);
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        return (int)response.StatusCode;
    }

    /// <summary>
    /// An address the warm-up can reach from this host: the first <c>http</c> one Kestrel listens on, a wildcard host
    /// (<c>0.0.0.0</c>, <c>[::]</c>) replaced by loopback; <c>null</c> when Kestrel listens on https only (the warm-up is
    /// then skipped: it would need to trust the certificate).
    /// </summary>
    public static Uri? LoopbackAddress(IEnumerable<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        foreach (var text in addresses)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                continue;
            }

            var host = uri.Host switch
            {
                "0.0.0.0" => "127.0.0.1",
                "[::]" or "::" => "[::1]",
                _ => uri.Host,
            };
            return new UriBuilder(uri) { Host = host, Path = "/" }.Uri;
        }

        return null;
    }
}
