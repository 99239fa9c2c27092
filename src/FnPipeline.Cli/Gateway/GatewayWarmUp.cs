using System.Diagnostics;
using FnPipeline.Cli.Functions;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Gateway;

/// <summary>
/// What the warm-up did: gateway requests sent, first calls of the functions (and how many answered 2xx), the repeat
/// calls that followed on the functions that answered, its time.
/// </summary>
internal sealed record WarmUpOutcome(int Requests, int Calls, int CallsSucceeded, int RepeatCalls, TimeSpan Elapsed);

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

    /// <summary>
    /// Hot mode, after a function's first call: rounds of repeat calls, one call at a time (its one container serves
    /// them), with a wait for the optimising JIT after each round. A method is promoted in two steps (an instrumented
    /// tier, then the optimised one), each after 30 calls and a short delay: the invoke path leaves tier 0 during the
    /// warm-up instead of in the first seconds of load (performance.md, issue 11 item 3).
    /// </summary>
    public const int HotRounds = 4;

    /// <summary>Repeat calls per function in each of the <see cref="HotRounds"/>.</summary>
    public const int CallsPerHotRound = 40;

    /// <summary>Bound of one wait for the JIT's background compilations to stop.</summary>
    private static readonly TimeSpan MaxJitWait = TimeSpan.FromSeconds(3);

    public static async Task<WarmUpOutcome> RunAsync(
        Uri address, FunctionsFile functions, WarmUpMode mode, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(functions);
        var started = Stopwatch.GetTimestamp();
        if (mode == WarmUpMode.Off)
        {
            return new WarmUpOutcome(0, 0, 0, 0, TimeSpan.Zero);
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

        await WaitForJitAsync(cancellationToken).ConfigureAwait(false);
        var calls = 0;
        var succeeded = 0;
        var repeats = 0;
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

            var answered = hot.Where((_, i) => answers[i] is >= 200 and < 300).ToList();
            for (var round = 0; round < HotRounds && answered.Count > 0; round++)
            {
                for (var call = 0; call < CallsPerHotRound; call++)
                {
                    foreach (var function in answered)
                    {
                        await CallAsync(client, function.Name, cancellationToken).ConfigureAwait(false);
                        repeats++;
                    }
                }

                await WaitForJitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return new WarmUpOutcome(requests, calls, succeeded, repeats, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Until the count of compiled methods stays put for 300 ms (the optimising tier compiles in the background after a
    /// call-counting delay), at most <see cref="MaxJitWait"/>.
    /// </summary>
    private static async Task WaitForJitAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var last = System.Runtime.JitInfo.GetCompiledMethodCount();
        for (var unchanged = 0; unchanged < 3 && Stopwatch.GetElapsedTime(started) < MaxJitWait;)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
        }
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
