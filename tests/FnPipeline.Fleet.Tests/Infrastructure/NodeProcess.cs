using System.Diagnostics;
using System.Text;

namespace FnPipeline.Fleet.Tests.Infrastructure;

/// <summary>
/// <c>fnpipe node</c> as a child process (<c>dotnet exec fnpipe.dll node</c>) on a node engine, so a test can kill it
/// as a machine dies (SIGKILL: no drain, no last word). Waits for its "joined fleet" line; its stderr is kept for the
/// test's messages; disposal kills it if it still runs.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(Process process, string nodeId)
    {
        _process = process;
        NodeId = nodeId;
    }

    public string NodeId { get; }

    /// <summary>What the node wrote so far (stdout and stderr).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<NodeProcess> StartAsync(string natsUrl, string fleet, string nodeId, Uri engine, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet", ["exec", Path.Join(AppContext.BaseDirectory, "fnpipe.dll"), "node",
            "--nats", natsUrl, "--fleet", fleet, "--node-id", nodeId, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["DOCKER_HOST"] = engine.ToString();
        info.Environment.Remove("FNPIPELINE_DOCKER_ENDPOINT");
        info.Environment["FNPIPELINE_REAP_ORPHANS"] = "false"; // other suites share the engine
        var process = new Process { StartInfo = info };
        var node = new NodeProcess(process, nodeId);
        process.OutputDataReceived += (_, e) => node.Line(e.Data);
        process.ErrorDataReceived += (_, e) => node.Line(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(node._joined.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120)));
        if (first != node._joined.Task)
        {
            await node.DisposeAsync();
            throw new InvalidOperationException($"fnpipe node {nodeId} did not join fleet {fleet}. Its output:\n{node.Log}");
        }

        return node;
    }

    /// <summary>SIGKILL, and waits for the exit.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM (the node drains and removes its containers), and waits up to <paramref name="timeout"/> for the exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Line(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }

        if (line.StartsWith($"fnpipe: node {NodeId} joined fleet", StringComparison.Ordinal))
        {
            _joined.TrySetResult();
        }
    }
}
