using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FnPipeline.LoadTests.Streaming;

/// <summary>The scenario's options (<c>--name value</c> pairs; defaults: the full run of issue 11).</summary>
internal sealed record StreamMemorySettings(int Calls, int Megabytes, double RateMegabytes, int SettleSeconds, int MaxRssMegabytes, string Fnpipe)
{
    public static StreamMemorySettings? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        var known = new[] { "--calls", "--megabytes", "--rate-mb", "--settle", "--max-rss-mb", "--fnpipe" };
        if (args.Length % 2 != 0 || values.Keys.Except(known).FirstOrDefault() is { } unknown)
        {
            Console.Error.WriteLine($"stream-memory: options are {string.Join(", ", known)} (each with a value); got {string.Join(' ', args)}");
            return null;
        }

        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        return new StreamMemorySettings(
            int.Parse(Get("--calls", "40"), CultureInfo.InvariantCulture),
            int.Parse(Get("--megabytes", "50"), CultureInfo.InvariantCulture),
            double.Parse(Get("--rate-mb", "1"), CultureInfo.InvariantCulture),
            int.Parse(Get("--settle", "45"), CultureInfo.InvariantCulture),
            int.Parse(Get("--max-rss-mb", "300"), CultureInfo.InvariantCulture),
            Get("--fnpipe", DefaultFnpipe()));
    }

    /// <summary><c>src/FnPipeline.Cli/bin/Release/net10.0/fnpipe.dll</c> of the repository this runs from.</summary>
    private static string DefaultFnpipe()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FnPipeline.sln")))
            {
                return Path.Combine(dir.FullName, "src", "FnPipeline.Cli", "bin", "Release", "net10.0", "fnpipe.dll");
            }
        }

        return "fnpipe.dll";
    }
}

/// <summary>A stream read no faster than <c>bytesPerSecond</c> (a slow client's upload or download).</summary>
internal sealed class PacedStream(Stream inner, long bytesPerSecond) : Stream
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _done;

    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var ahead = TimeSpan.FromSeconds((double)_done / bytesPerSecond) - _clock.Elapsed;
        if (ahead > TimeSpan.Zero)
        {
            await Task.Delay(ahead, cancellationToken);
        }

        var read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, 64 * 1024)], cancellationToken);
        _done += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>VmRSS of a process from <c>/proc/PID/status</c>, sampled: the last, the peak, and a settle phase.</summary>
internal sealed class RssSampler(int pid)
{
    private double _peak;
    private double _last;

    public double PeakMb => Volatile.Read(ref _peak);

    public double LastMb => Volatile.Read(ref _last);

    public double Sample()
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = double.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                var mb = kb / 1024;
                Volatile.Write(ref _last, mb);
                if (mb > _peak)
                {
                    Volatile.Write(ref _peak, mb);
                }

                return mb;
            }
        }

        throw new InvalidOperationException($"no VmRSS in /proc/{pid}/status");
    }

    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                Sample();
                await Task.Delay(interval, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Waits <paramref name="time"/> (sampling) and returns the last sample.</summary>
    public async Task<double> SettleAsync(TimeSpan time, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        do
        {
            Sample();
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
        while (clock.Elapsed < time);
        return Sample();
    }
}

/// <summary><c>fnpipe serve</c> as a child process on a free loopback port, with a cold and a hot test function.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private ServeProcess(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    public static async Task<ServeProcess> StartAsync(StreamMemorySettings settings, long bytes, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("fnpipe-stream-").FullName;
        var file = Path.Combine(directory, "functions.yaml");
        var timeout = (int)Math.Ceiling(bytes / (settings.RateMegabytes * 1_000_000) * 3) + 60;
        await File.WriteAllTextAsync(file, $"""
            app: stream-memory
            functions:
              - name: cold
                image: fnpipeline/testfn:latest
                timeout: {timeout}s
                max_output_bytes: {bytes * 2}
              - name: hot
                image: fnpipeline/testfn:latest
                format: http-stream
                timeout: {timeout}s
                max_output_bytes: {bytes * 2}
            """, cancellationToken);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { settings.Fnpipe, "serve", "--functions", file, "--urls", $"http://127.0.0.1:{port}", "--max-request-bytes", (bytes * 2).ToString(CultureInfo.InvariantCulture), "--log-level", "Warning" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };

        // Room for every call at once on both lanes (the limits are not what this scenario measures).
        var room = settings.Calls.ToString(CultureInfo.InvariantCulture);
        start.Environment["FNPIPELINE_MAX_CONTAINERS"] = room;
        start.Environment["FNPIPELINE_HOT_MAX_CONTAINERS"] = room;
        start.Environment["FNPIPELINE_HOT_MAX_PER_FUNCTION"] = room;
        start.Environment["FNPIPELINE_START_TIMEOUT_MS"] = "120000";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start dotnet {settings.Fnpipe}");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"  fnpipe: {e.Data}"); } };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Console.WriteLine($"  fnpipe: {e.Data}"); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var serve = new ServeProcess(process, directory, new Uri($"http://127.0.0.1:{port}"));
        using var probe = new HttpClient { BaseAddress = serve.Address, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var health = await probe.GetAsync("/health", cancellationToken);
                if (health.IsSuccessStatusCode)
                {
                    return serve;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested && deadline.Elapsed < TimeSpan.FromSeconds(90) && !process.HasExited)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(90) || process.HasExited)
            {
                await serve.DisposeAsync();
                throw new InvalidOperationException("fnpipe serve did not become healthy within 90 s");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGINT: the gateway drains and removes its containers.
            using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
