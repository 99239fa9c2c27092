using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using FnPipeline.Testing;

namespace FnPipeline.LoadTests.Streaming;

/// <summary>
/// <c>dotnet run -c Release --project loadtests -- stream-memory [--calls 40] [--megabytes 50] [--rate-mb 1]</c>:
/// starts <c>fnpipe serve</c>, makes half the calls upload and half download <c>--megabytes</c> MB each, all at once,
/// through slow clients (<c>--rate-mb</c> MB/s each), half of each to a cold and half to a hot function, checks every
/// byte (FNV-1a 64 of the test function's pattern), and samples the gateway's VmRSS: idle before, peak during, and
/// for <c>--settle</c> seconds after. Exit code 0 when every call was byte-exact and the peak stayed under
/// <c>--max-rss-mb</c> (docs/loadtests.md#streaming-memory).
/// </summary>
internal static class StreamMemoryScenario
{
    public const string Name = "stream-memory";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var settings = StreamMemorySettings.Parse(args);
        if (settings is null)
        {
            return 2;
        }

        var bytes = settings.Megabytes * 1_000_000L;
        await using var gateway = await ServeProcess.StartAsync(settings, bytes, cancellationToken);
        var rss = new RssSampler(gateway.Pid);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1000 }) { BaseAddress = gateway.Address, Timeout = Timeout.InfiniteTimeSpan };

        // One small call per lane first: images ready, hot container up, JIT warm; then idle is measured.
        foreach (var function in new[] { "cold", "hot" })
        {
            using var warm = await client.PostAsync($"/invoke/{function}", new StringContent("warm"), cancellationToken);
            warm.EnsureSuccessStatusCode();
        }

        var idleMb = await rss.SettleAsync(TimeSpan.FromSeconds(3), cancellationToken);
        Console.WriteLine($"{Name}: {settings.Calls} calls ({settings.Calls / 2} up, {settings.Calls - settings.Calls / 2} down) of {settings.Megabytes} MB at {settings.RateMegabytes} MB/s per client; gateway pid {gateway.Pid}, idle RSS {idleMb:0.0} MB");

        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = rss.RunAsync(TimeSpan.FromMilliseconds(250), sampling.Token);
        var clock = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, settings.Calls)
            .Select(i => RunCallAsync(client, upload: i % 2 == 0, function: i % 4 < 2 ? "cold" : "hot", bytes, (long)(settings.RateMegabytes * 1_000_000), cancellationToken))
            .ToArray();
        var progress = ProgressAsync(calls, rss, clock, sampling.Token);
        var outcomes = await Task.WhenAll(calls);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var peakMb = rss.PeakMb;
        var settled = await rss.SettleAsync(TimeSpan.FromSeconds(settings.SettleSeconds), cancellationToken);
        await sampling.CancelAsync();
        await sampler;
        await progress;

        var failed = outcomes.Where(o => o.Error is not null).ToList();
        foreach (var failure in failed)
        {
            Console.WriteLine($"  FAILED {failure.Describe()}");
        }

        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"| calls | MB each | client rate | byte-exact | load time | gateway RSS idle | peak | {settings.SettleSeconds} s after |")
            .AppendLine("|---|---|---|---|---|---|---|---|")
            .AppendLine(CultureInfo.InvariantCulture, $"| {settings.Calls} ({settings.Calls / 2} up, {settings.Calls - settings.Calls / 2} down; cold and hot) | {settings.Megabytes} | {settings.RateMegabytes} MB/s | {settings.Calls - failed.Count}/{settings.Calls} | {loadSeconds:0.0} s | {idleMb:0.0} MB | {peakMb:0.0} MB | {settled:0.0} MB |")
            .ToString();
        Console.WriteLine(report);
        var met = failed.Count == 0 && peakMb < settings.MaxRssMegabytes;
        Console.WriteLine($"target: peak < {settings.MaxRssMegabytes} MB, every call byte-exact: {(met ? "met" : "NOT met")}; back near idle: {settled - idleMb:+0.0;-0.0} MB");
        return met ? 0 : 1;
    }

    private static async Task<CallOutcome> RunCallAsync(HttpClient client, bool upload, string function, long bytes, long rate, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            string expected = TestPattern.HashLine(bytes);
            if (upload)
            {
                await using var body = new PacedStream(TestPattern.Open(bytes, "!hash\n"), rate);
                using var content = new StreamContent(body, 64 * 1024);
                using var response = await client.PostAsync($"/invoke/{function}", content, cancellationToken);
                var answer = await response.Content.ReadAsStringAsync(cancellationToken);
                return response.StatusCode == HttpStatusCode.OK && answer == expected
                    ? CallOutcome.Ok(function, upload, started)
                    : CallOutcome.Failed(function, upload, started, $"{(int)response.StatusCode}: {answer.Trim()} (expected {expected.Trim()})");
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, $"/invoke/{function}") { Content = new StringContent($"!pattern {bytes}\n") };
            using var download = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var stream = new PacedStream(await download.Content.ReadAsStreamAsync(cancellationToken), rate);
            var hash = await TestPattern.HashAsync(stream, cancellationToken);
            return download.StatusCode == HttpStatusCode.OK && hash == expected
                ? CallOutcome.Ok(function, upload, started)
                : CallOutcome.Failed(function, upload, started, $"{(int)download.StatusCode}: {hash.Trim()} (expected {expected.Trim()})");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return CallOutcome.Failed(function, upload, started, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static async Task ProgressAsync(Task<CallOutcome>[] calls, RssSampler rss, Stopwatch clock, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds,5:0} s: {calls.Count(c => c.IsCompleted)}/{calls.Length} done, gateway RSS {rss.LastMb:0.0} MB (peak {rss.PeakMb:0.0} MB)");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed record CallOutcome(string Function, bool Upload, double Seconds, string? Error)
    {
        public static CallOutcome Ok(string function, bool upload, long started) => new(function, upload, Stopwatch.GetElapsedTime(started).TotalSeconds, null);

        public static CallOutcome Failed(string function, bool upload, long started, string error) => new(function, upload, Stopwatch.GetElapsedTime(started).TotalSeconds, error);

        public string Describe() => $"{(Upload ? "upload" : "download")} {Function} after {Seconds:0.0} s: {Error}";
    }
}
