using System.Diagnostics;
using HdrHistogram;

namespace FnPipeline.LoadTests.Floor;

/// <summary>
/// One side of the floor comparison: an echo URL, the same client as the other side, and what its measured slices
/// came to (successful calls' latencies in µs, failures by reason, time spent).
/// </summary>
internal sealed class FloorSide(string name, Uri url)
{
    private readonly LongHistogram _latency = new(1, 10L * 60 * 1000 * 1000, 3);
    private readonly Dictionary<string, long> _failures = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public Uri Url { get; } = url;

    public long Ok { get; private set; }

    public long Failed { get; private set; }

    /// <summary>Wall time of the measured slices, each from its start until its last call ended.</summary>
    public TimeSpan Measured { get; private set; }

    public IReadOnlyDictionary<string, long> Failures => _failures;

    public double OkPerSecond => Measured > TimeSpan.Zero ? Ok / Measured.TotalSeconds : 0;

    public double PercentileMs(double percentile) => _latency.TotalCount == 0 ? 0 : _latency.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxMs => _latency.TotalCount == 0 ? 0 : _latency.GetMaxValue() / 1000.0;

    /// <summary>
    /// <paramref name="callers"/> callers POST <paramref name="payload"/> one call after another until
    /// <paramref name="length"/> has passed; with <paramref name="record"/> false (warm-up) nothing is kept. Every caller
    /// makes at least one call, so a slice measures something even when a loaded machine starts a caller late.
    /// </summary>
    public async Task RunSliceAsync(HttpClient client, byte[] payload, int callers, TimeSpan length, bool record, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(length.TotalSeconds * Stopwatch.Frequency);
        var results = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(() => CallerAsync(client, payload, end, callTimeout, cancellationToken), cancellationToken)));
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (!record)
        {
            return;
        }

        Measured += elapsed;
        foreach (var result in results)
        {
            _latency.Add(result.Latency);
            Ok += result.Ok;
            foreach (var (reason, count) in result.Failures)
            {
                Failed += count;
                _failures[reason] = _failures.GetValueOrDefault(reason) + count;
            }
        }
    }

    private async Task<CallerResult> CallerAsync(HttpClient client, byte[] payload, long end, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        var result = new CallerResult();
        do
        {
            var started = Stopwatch.GetTimestamp();
            var failure = await CallAsync(client, payload, callTimeout, cancellationToken);
            var micros = Math.Max(1, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            if (failure is null)
            {
                result.Ok++;
                result.Latency.RecordValue(Math.Min(micros, result.Latency.HighestTrackableValue));
            }
            else
            {
                result.Failures[failure] = result.Failures.GetValueOrDefault(failure) + 1;
            }
        }
        while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested);

        return result;
    }

    /// <summary>One echo: <c>null</c> when the answer is 200 with the payload, else why not.</summary>
    private async Task<string?> CallAsync(HttpClient client, byte[] payload, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(callTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(payload) };
            request.Content.Headers.ContentType = new("application/octet-stream");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return $"{(int)response.StatusCode} {response.ReasonPhrase}";
            }

            return body.AsSpan().SequenceEqual(payload) ? null : "wrong output";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "client timeout";
        }
        catch (HttpRequestException e)
        {
            return $"exception {e.GetType().Name}: {e.HttpRequestError}";
        }
    }

    private sealed class CallerResult
    {
        public LongHistogram Latency { get; } = new(1, 10L * 60 * 1000 * 1000, 3);

        public long Ok { get; set; }

        public Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);
    }
}
