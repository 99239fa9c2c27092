using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FnPipeline.LoadTests.Floor;

/// <summary>
/// A server started as a child process (<c>dotnet exec DLL ...</c>) that prints <c>PREFIX URL</c> once it listens.
/// Disposing sends SIGINT (<c>fnpipe serve</c> then drains and removes its containers) and waits for the exit.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stderr;

    private ServerProcess(Process process, StringBuilder stderr, Uri address)
    {
        _process = process;
        _stderr = stderr;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    /// <summary>The last lines the server wrote on stderr (for an error message).</summary>
    public string StderrTail
    {
        get
        {
            lock (_stderr)
            {
                var text = _stderr.ToString();
                return text.Length <= 4000 ? text : text[^4000..];
            }
        }
    }

    public static async Task<ServerProcess> StartAsync(string dll, IEnumerable<string> arguments, string listeningPrefix, CancellationToken cancellationToken)
    {
        // env --default-signal=INT: a run started in the background of a script inherits SIGINT ignored, and .NET would
        // keep ignoring it; env execs, so the process id stays the server's.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--default-signal=INT", "dotnet", "exec", dll, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = start };
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith(listeningPrefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(new Uri(line[listeningPrefix.Length..].Trim()));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (stderr)
                {
                    // Only the tail is ever shown; keep the buffer bounded under a per-call log.
                    if (stderr.Length > 64 * 1024)
                    {
                        stderr.Remove(0, 32 * 1024);
                    }

                    stderr.AppendLine(line);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, stderr, new Uri("http://unknown"));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StartLimit);
        try
        {
            var exited = process.WaitForExitAsync(limit.Token);
            var first = await Task.WhenAny(listening.Task, exited);
            if (first != listening.Task)
            {
                throw new InvalidOperationException($"{Path.GetFileName(dll)} exited before it listened. Its stderr:\n{server.StderrTail}");
            }

            return new ServerProcess(process, stderr, await listening.Task);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await server.DisposeAsync();
            throw new TimeoutException($"{Path.GetFileName(dll)} did not listen within {StartLimit.TotalSeconds:0} s. Its stderr:\n{server.StderrTail}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using var signal = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await signal.WaitForExitAsync();
            using var limit = new CancellationTokenSource(StopLimit);
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
