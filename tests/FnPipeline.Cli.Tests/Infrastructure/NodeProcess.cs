using System.Globalization;
using System.Text;
using CliWrap;

namespace FnPipeline.Cli.Tests.Infrastructure;

/// <summary>
/// A running <c>fnpipe node</c> on one node engine of the fleet. Waits for its "joined fleet" line; its stderr lines can
/// be awaited (<see cref="WaitForStderrAsync"/>); disposing sends SIGTERM (the node drains and removes its containers)
/// and waits for the exit.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly CancellationTokenSource _forceful;
    private readonly StringBuilder _stderr;
    private readonly List<(string Text, TaskCompletionSource Seen)> _watches;
    private readonly CommandTask<CommandResult> _task;

    private NodeProcess(CommandTask<CommandResult> task, StringBuilder stderr, List<(string, TaskCompletionSource)> watches, CancellationTokenSource forceful)
    {
        _task = task;
        _stderr = stderr;
        _watches = watches;
        _forceful = forceful;
    }

    /// <summary>What the node logged so far.</summary>
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

    /// <summary>The exit code once it exited (null while running, or when it had to be killed).</summary>
    public int? ExitCode { get; private set; }

    /// <summary>
    /// Starts <c>fnpipe node --nats URL --fleet FLEET --node-id ID</c> with the engine <paramref name="engine"/> and
    /// <paramref name="arguments"/>, and waits for its "joined fleet" line.
    /// </summary>
    public static async Task<NodeProcess> StartAsync(
        string natsUrl, string fleet, string nodeId, Uri engine, IEnumerable<string>? arguments = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new StringBuilder();
        var watches = new List<(string, TaskCompletionSource)>();
        var forceful = new CancellationTokenSource();
        var env = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>())
        {
            ["DOCKER_HOST"] = engine.ToString(),
            ["FNPIPELINE_DOCKER_ENDPOINT"] = null,
            ["FNPIPELINE_REAP_ORPHANS"] = "false",
        };
        var task = Fnpipe.Command(["node", "--nats", natsUrl, "--fleet", fleet, "--node-id", nodeId, .. arguments ?? []], env)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                if (line.StartsWith($"fnpipe: node {nodeId} joined fleet", StringComparison.Ordinal))
                {
                    joined.TrySetResult();
                }
            }))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line =>
            {
                lock (stderr)
                {
                    stderr.AppendLine(line);
                    foreach (var (text, seen) in watches.Where(w => line.Contains(w.Item1, StringComparison.Ordinal)))
                    {
                        seen.TrySetResult();
                    }
                }
            }))
            .ExecuteAsync(forceful.Token);

        if (await GatewayProcess.FirstWithinAsync(joined.Task, task.Task, TimeSpan.FromSeconds(90)) != joined.Task)
        {
            await forceful.CancelAsync();
            throw new InvalidOperationException($"fnpipe node {nodeId} did not join the fleet. Its stderr:\n{stderr}");
        }

        return new NodeProcess(task, stderr, watches, forceful);
    }

    /// <summary>Completes when the node logs a line containing <paramref name="text"/> (or already did).</summary>
    public Task WaitForStderrAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stderr)
        {
            if (_stderr.ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            _watches.Add((text, seen));
        }

        return seen.Task.WaitAsync(timeout);
    }

    /// <summary>Sends <paramref name="signal"/> (TERM, INT, KILL) without waiting for the exit.</summary>
    public async Task SignalAsync(string signal) =>
        await CliWrap.Cli.Wrap("kill").WithArguments(["-" + signal, _task.ProcessId.ToString(CultureInfo.InvariantCulture)])
            .WithValidation(CommandResultValidation.None).ExecuteAsync();

    /// <summary>Waits for the exit (killing the process after <paramref name="timeout"/>); returns the exit code, null when killed.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        _forceful.CancelAfter(timeout);
        try
        {
            ExitCode = (await _task).ExitCode;
        }
        catch (OperationCanceledException)
        {
            ExitCode = null;
        }

        return ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_task.Task.IsCompleted)
        {
            await SignalAsync("TERM");
            await WaitForExitAsync(TimeSpan.FromSeconds(90));
        }

        _forceful.Dispose();
    }
}
