using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace FnPipeline.LoadTests.Serve;

/// <summary>
/// One <c>serve-start</c> run: a functions file with one hot echo (<c>fnpipeline/testfn</c>), <c>fnpipe serve</c> started
/// on it, the load from the second fnpipe listens (the client warmed up beforehand against a bare echo; fnpipe's start-up is
/// what is measured), one sample of RSS
/// and CPU a second, then 10 s idle, then SIGTERM. Reports the first 20 s against the last 20 s.
/// </summary>
internal static class ServeStartRun
{
    private static readonly TimeSpan IdleAfterLoad = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ClientWarmUp = TimeSpan.FromSeconds(8);

    public static async Task<int> RunAsync(ServeStartSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.OutputDirectory);
        var functionsFile = Path.Combine(settings.OutputDirectory, "functions.yaml");
        await File.WriteAllTextAsync(functionsFile, FunctionsYaml, cancellationToken);
        var payload = Encoding.ASCII.GetBytes(new string('x', settings.PayloadBytes));
        await WarmUpClientAsync(settings, payload, output, cancellationToken);
        ServeProcess serve;
        try
        {
            serve = await ServeProcess.StartAsync(settings, functionsFile, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"fnpipe serve did not start: {ex.Message} (engine: scripts/docker-up.sh; images: scripts/build-images.sh)");
            return 2;
        }

        await using (serve)
        {
            var rest = serve.Sample();
            output.WriteLine($"fnpipe listening on {serve.Address} after {serve.Startup.TotalMilliseconds:0} ms; RSS at rest {Mb(rest.RssBytes)} MB; {settings.Concurrency} callers for {settings.Seconds} s");
            var seconds = new Second[settings.Seconds];
            using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = serve.Address,
                Timeout = TimeSpan.FromSeconds(30),
            };
            var loadStarted = Stopwatch.GetTimestamp();
            var end = TimeSpan.FromSeconds(settings.Seconds);
            var sampler = SampleAsync(serve, seconds, loadStarted, end, output, cancellationToken);
            var callers = Enumerable.Range(0, settings.Concurrency)
                .Select(_ => Task.Run(() => CallerAsync(client, "invoke/echo", payload, seconds, loadStarted, end, cancellationToken), cancellationToken))
                .ToArray();
            await Task.WhenAll(callers);
            await sampler;
            await Task.Delay(IdleAfterLoad, cancellationToken);
            var after = serve.Sample();
            var result = new ServeStartResult(settings, serve.Startup, rest.RssBytes, after.RssBytes, seconds);
            var report = result.ToMarkdown();
            await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "report.md"), report, cancellationToken);
            output.WriteLine(result.Summary());
            output.WriteLine($"report: {Path.Combine(settings.OutputDirectory, "report.md")}");
            return result.TotalOk > 0 ? 0 : 1;
        }
    }

    private const string FunctionsYaml = """
        # serve-start (loadtests): one hot echo, kept for the whole run.
        functions:
          - name: echo
            image: fnpipeline/testfn:latest
            format: http-stream
            idle_timeout: 5m
            labels:
              fnpipeline.loadtest: serve-start
        """;

    /// <summary>
    /// The client's own start-up out of the way: the same callers for a few seconds against a bare Kestrel echo in this
    /// process (stopped before fnpipe starts), so the first seconds measure fnpipe's start-up, not the load generator's JIT.
    /// </summary>
    private static async Task WarmUpClientAsync(ServeStartSettings settings, byte[] payload, TextWriter output, CancellationToken cancellationToken)
    {
        await using var echo = Floor.FloorServer.Build("http://127.0.0.1:0");
        await echo.StartAsync(cancellationToken);
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(echo.Urls.First() + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        var seconds = new Second[(int)ClientWarmUp.TotalSeconds + 1];
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency)
            .Select(_ => Task.Run(() => CallerAsync(client, "echo", payload, seconds, started, ClientWarmUp, cancellationToken), cancellationToken)));
        await echo.StopAsync(cancellationToken);
        output.WriteLine($"client warmed up: {seconds.Sum(s => s.Ok)} calls to a bare Kestrel echo in {ClientWarmUp.TotalSeconds:0} s ({seconds.Sum(s => s.Failed)} failed)");
    }

    private static async Task CallerAsync(HttpClient client, string path, byte[] payload, Second[] seconds, long started, TimeSpan end, CancellationToken cancellationToken)
    {
        while (Stopwatch.GetElapsedTime(started) is var elapsed && elapsed < end && !cancellationToken.IsCancellationRequested)
        {
            bool ok;
            try
            {
                using var content = new ByteArrayContent(payload);
                using var response = await client.PostAsync(path, content, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                ok = response.StatusCode == HttpStatusCode.OK && body.Length == payload.Length;
            }
            catch (HttpRequestException)
            {
                ok = false;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                ok = false;
            }

            var index = (int)Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (index < seconds.Length)
            {
                if (ok)
                {
                    Interlocked.Increment(ref seconds[index].Ok);
                }
                else
                {
                    Interlocked.Increment(ref seconds[index].Failed);
                }
            }
        }
    }

    /// <summary>Once a second: RSS and CPU of fnpipe into that second's row, and a progress line.</summary>
    private static async Task SampleAsync(ServeProcess serve, Second[] seconds, long started, TimeSpan end, TextWriter output, CancellationToken cancellationToken)
    {
        var previous = serve.Sample();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        for (var index = 0; index < seconds.Length && await timer.WaitForNextTickAsync(cancellationToken); index++)
        {
            var sample = serve.Sample();
            var wall = Stopwatch.GetElapsedTime(previous.Timestamp, sample.Timestamp).TotalSeconds;
            seconds[index].RssBytes = sample.RssBytes;
            seconds[index].CpuPercent = (sample.Cpu - previous.Cpu).TotalSeconds / wall * 100;
            previous = sample;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{index + 1,3}s] ok {Volatile.Read(ref seconds[index].Ok),6}  failed {Volatile.Read(ref seconds[index].Failed),4}  RSS {Mb(sample.RssBytes),6:0.0} MB  CPU {seconds[index].CpuPercent,4:0} %"));
        }
    }

    internal static double Mb(long bytes) => bytes / 1024.0 / 1024.0;
}

/// <summary>One second of the run: calls that ended in it, and fnpipe's RSS and CPU at its end.</summary>
internal struct Second
{
    public int Ok;
    public int Failed;
    public long RssBytes;
    public double CpuPercent;
}
