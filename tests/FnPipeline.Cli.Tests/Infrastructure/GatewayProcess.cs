using System.Text;
using CliWrap;

namespace FnPipeline.Cli.Tests.Infrastructure;

/// <summary>
/// A running <c>fnpipe serve --urls http://127.0.0.1:0</c> over a functions file written to a temp directory. Waits for
/// its "listening on" line; disposing sends SIGINT (the gateway drains and removes its containers) and waits for exit.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly CancellationTokenSource _graceful;
    private readonly CancellationTokenSource _forceful;
    private readonly StringBuilder _stderr;
    private readonly CommandTask<CommandResult> _task;
    private readonly string _directory;
    private Task<TimeSpan>? _stopped;

    private GatewayProcess(
        string directory, CommandTask<CommandResult> task, Uri address, StringBuilder stderr, CancellationTokenSource graceful, CancellationTokenSource forceful)
    {
        _directory = directory;
        _task = task;
        _stderr = stderr;
        _graceful = graceful;
        _forceful = forceful;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <summary>What the gateway logged so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Exit code after <see cref="DisposeAsync"/>.</summary>
    public int? ExitCode { get; private set; }

    public static async Task<GatewayProcess> StartAsync(
        string functionsYaml, IEnumerable<string>? arguments = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var directory = Directory.CreateTempSubdirectory("fnpipe-gw-").FullName;
        var file = Path.Combine(directory, "functions.yaml");
        await File.WriteAllTextAsync(file, functionsYaml);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new StringBuilder();
        var graceful = new CancellationTokenSource();
        var forceful = new CancellationTokenSource();
        var task = Fnpipe.Command(["serve", "--functions", file, "--urls", "http://127.0.0.1:0", .. arguments ?? []], environment)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                const string prefix = "fnpipe: listening on ";
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    listening.TrySetResult(new Uri(line[prefix.Length..].Trim()));
                }
            }))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line =>
            {
                lock (stderr)
                {
                    stderr.AppendLine(line);
                }
            }))
            .ExecuteAsync(forceful.Token, graceful.Token);

        if (await FirstWithinAsync(listening.Task, task.Task, TimeSpan.FromSeconds(60)) != listening.Task)
        {
            await forceful.CancelAsync();
            throw new InvalidOperationException($"fnpipe serve did not start listening. Its stderr:\n{stderr}");
        }

        return new GatewayProcess(directory, task, await listening.Task, stderr, graceful, forceful);
    }

    /// <summary>The first of <paramref name="signal"/> and <paramref name="exit"/> to complete; <c>null</c> when neither did within <paramref name="timeout"/>.</summary>
    internal static async Task<Task?> FirstWithinAsync(Task signal, Task exit, TimeSpan timeout)
    {
        try
        {
            return await Task.WhenAny(signal, exit).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL, as a crash: nothing is drained or removed. Returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        await CliWrap.Cli.Wrap("kill").WithArguments(["-KILL", _task.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .WithValidation(CommandResultValidation.None).ExecuteAsync();
        ExitCode = (await _task).ExitCode;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> (<c>INT</c>, <c>TERM</c>) and waits for the exit (forceful after 45 s).
    /// Returns the time from the signal to the exit.
    /// </summary>
    public async Task<TimeSpan> StopAsync(string signal = "INT")
    {
        if (_stopped is not null)
        {
            return await _stopped;
        }

        _stopped = StopCoreAsync(signal);
        return await _stopped;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_task.Task.IsCompleted)
        {
            // Killed, stopped by StopAsync (whose exit code stands, null when forced), or it stopped on its own.
            if (_stopped is null)
            {
                ExitCode ??= (await _task).ExitCode;
            }

            _graceful.Dispose();
            _forceful.Dispose();
            DeleteDirectory();
            return;
        }

        // SIGINT, as Ctrl-C: the gateway drains and removes its containers, then exits 0. Forceful only if it hangs.
        await StopAsync();
        _graceful.Dispose();
        _forceful.Dispose();
        DeleteDirectory();
    }

    private void DeleteDirectory()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private async Task<TimeSpan> StopCoreAsync(string signal)
    {
        await CliWrap.Cli.Wrap("kill").WithArguments(["-" + signal, _task.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .WithValidation(CommandResultValidation.None).ExecuteAsync();
        var signalled = System.Diagnostics.Stopwatch.StartNew();
        _forceful.CancelAfter(TimeSpan.FromSeconds(45));
        try
        {
            ExitCode = (await _task).ExitCode;
        }
        catch (OperationCanceledException)
        {
            ExitCode = null;
        }

        return signalled.Elapsed;
    }
}
