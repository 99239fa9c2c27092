using System.Diagnostics;
using System.Globalization;

namespace FnPipeline.LoadTests.Serve;

/// <summary><c>fnpipe serve</c> as a child process: started, waited for until it listens, sampled, stopped with SIGTERM.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private static readonly TimeSpan ListenDeadline = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    private ServeProcess(Process process, Uri address, TimeSpan startup)
    {
        _process = process;
        Address = address;
        Startup = startup;
    }

    /// <summary>The address fnpipe printed (<c>fnpipe: listening on URL</c>).</summary>
    public Uri Address { get; }

    /// <summary>From the process start to the listening line.</summary>
    public TimeSpan Startup { get; }

    public int Id => _process.Id;

    public static async Task<ServeProcess> StartAsync(ServeStartSettings settings, string functionsFile, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(settings.Fnpipe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["serve", "--functions", functionsFile, "--urls", "http://127.0.0.1:0", .. settings.ServeArguments])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings.Environment)
        {
            info.Environment[key] = value;
        }

        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{settings.Fnpipe} did not start");
        // One log line per call on stderr: read and dropped, so the pipe never blocks fnpipe.
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ListenDeadline);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                const string prefix = "fnpipe: listening on ";
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    // Drain the rest of stdout in the background.
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return new ServeProcess(process, new Uri(line[prefix.Length..]), Stopwatch.GetElapsedTime(started));
                }
            }

            throw new InvalidOperationException($"fnpipe serve exited (code {(process.WaitForExit(5000) ? process.ExitCode : -1)}) before listening");
        }
        catch
        {
            TryKill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>The resident set (VmRSS) in bytes and the CPU time used so far, from <c>/proc</c>.</summary>
    public ProcessSample Sample()
    {
        long rss = 0;
        foreach (var line in File.ReadLines($"/proc/{Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                break;
            }
        }

        // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks (USER_HZ, 100 on Linux), after the ')' of the name.
        var stat = File.ReadAllText($"/proc/{Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return new ProcessSample(Stopwatch.GetTimestamp(), rss, TimeSpan.FromSeconds(ticks / 100.0));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: fnpipe drains and removes its containers (docs/cli.md).
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Id.ToString(CultureInfo.InvariantCulture) } });
            if (kill is not null)
            {
                await kill.WaitForExitAsync();
            }

            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(exited.Token);
            }
            catch (OperationCanceledException)
            {
                TryKill(_process);
            }
        }

        _process.Dispose();
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}

/// <summary>One look at the process: when, its resident set, its CPU time so far.</summary>
internal readonly record struct ProcessSample(long Timestamp, long RssBytes, TimeSpan Cpu);
