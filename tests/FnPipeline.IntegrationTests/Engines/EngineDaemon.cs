using System.Diagnostics;
using System.Net.Sockets;
using CliWrap;
using CliWrap.Buffered;

namespace FnPipeline.IntegrationTests.Engines;

/// <summary>
/// A second engine process of a test (dockerd or podman's service) in its own temp directory: started detached with its
/// output in a log file, awaited by polling <c>GET /_ping</c> on its unix socket, and stopped by its pid.
/// </summary>
internal sealed class EngineDaemon : IAsyncDisposable
{
    /// <summary>Generous: a loaded CI machine may take long to start an engine; the wait ends as soon as it answers.</summary>
    public static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(120);

    private readonly Process _process;

    private EngineDaemon(Process process, string socketPath, string logFile)
    {
        _process = process;
        SocketPath = socketPath;
        LogFile = logFile;
    }

    public string SocketPath { get; }

    public string LogFile { get; }

    public int Pid => _process.Id;

    /// <summary>A short temp directory (unix socket paths are limited to 107 bytes), created empty.</summary>
    public static string NewDirectory(string prefix)
    {
        var directory = Path.Join("/tmp", $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 11)]);
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Fails with the set-up script's name when <paramref name="program"/> is not installed (tests never skip).</summary>
    public static string Require(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Join(directory, program);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"{program} is not installed: run 'bash scripts/engine-tools.sh' as root (scripts/test.sh does).");
    }

    /// <summary>Starts <paramref name="program"/> and waits until its socket answers <c>/_ping</c>.</summary>
    public static async Task<EngineDaemon> StartAsync(
        string program, IEnumerable<string> arguments, string socketPath, string logFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Require(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var bridge = start.ArgumentList.Contains("--bridge=none") ? await MainEngineBridge.NoteAsync() : null;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var logLock = new object();
        void Write(string? line)
        {
            if (line is not null)
            {
                lock (logLock)
                {
                    log.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.Exited += (_, _) => { lock (logLock) { log.Dispose(); } };
        process.EnableRaisingEvents = true;

        var daemon = new EngineDaemon(process, socketPath, logFile);
        try
        {
            await daemon.WaitUntilAnswersAsync();
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
        finally
        {
            if (bridge is not null)
            {
                await bridge.RestoreIfGoneAsync();
            }
        }

        return daemon;
    }

    private async Task WaitUntilAnswersAsync()
    {
        var deadline = DateTime.UtcNow + ReadyDeadline;
        using var http = UnixHttp(SocketPath);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with {_process.ExitCode} before answering; its log:{Environment.NewLine}{Tail()}");
            }

            try
            {
                using var ping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                if ((await http.GetAsync("http://localhost/_ping", ping.Token)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{_process.StartInfo.FileName} did not answer on {SocketPath} within {ReadyDeadline.TotalSeconds} s; its log:{Environment.NewLine}{Tail()}");
            }

            // The poll's period: the daemon is pinged again until it answers or the deadline passes.
            await Task.Delay(100);
        }
    }

    /// <summary>An HTTP client whose every connection goes to the unix socket <paramref name="path"/>.</summary>
    public static HttpClient UnixHttp(string path) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, token) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), token);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    });

    /// <summary><c>docker save</c> of <paramref name="images"/> from the main engine, piped into <paramref name="loadCommand"/>.</summary>
    public static async Task LoadImagesAsync(IEnumerable<string> images, string loadCommand)
    {
        var script = $"set -o pipefail; docker save {string.Join(' ', images)} | {loadCommand}";
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var result = await Cli.Wrap("bash").WithArguments(["-c", script]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"loading the test images failed ({script}): {result.StandardError}{result.StandardOutput}");
        }
    }

    public string Tail() => File.Exists(LogFile) ? string.Join(Environment.NewLine, ReadShared(LogFile).TakeLast(30)) : "(no log)";

    private static string[] ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }

    /// <summary>SIGTERM (the engine stops its containers and unmounts), then SIGKILL of what is left after a bounded wait.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    /// <summary>Removes <paramref name="directory"/> (an engine's storage may keep read-only or busy entries: best effort).</summary>
    public static async Task RemoveDirectoryAsync(string directory)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Cli.Wrap("rm").WithArguments(["-rf", directory]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
    }
}
