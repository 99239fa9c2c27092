using CliWrap.Buffered;
using FnPipeline.Testing.Sockets;

namespace FnPipeline.Testing.Engine;

/// <summary>
/// A detached http-stream container with a host directory bind-mounted at /tmp/iofs, as the
/// contract prescribes; <see cref="CreateClient"/> talks HTTP/1.1 to its lsnr.sock. Disposing removes
/// the container and the directory.
/// </summary>
public sealed class HttpStreamContainer : IAsyncDisposable
{
    private HttpStreamContainer(string directory, string containerId)
    {
        Directory = directory;
        ContainerId = containerId;
    }

    /// <summary>The host directory mounted at /tmp/iofs.</summary>
    public string Directory { get; }

    public string ContainerId { get; }

    public string SocketPath => Path.Combine(Directory, "lsnr.sock");

    public static async Task<HttpStreamContainer> StartAsync(string image, IEnumerable<string>? arguments = null, CancellationToken cancellationToken = default)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("fnpl-it-").FullName;
        var all = new List<string> { "run", "-d", "--rm", "--network", "none" };
        all.AddRange(TestRun.LabelArguments);
        all.AddRange(["-v", $"{directory}:/tmp/iofs", "-e", "FN_FORMAT=http-stream", "-e", "FN_LISTENER=unix:/tmp/iofs/lsnr.sock", image]);
        all.AddRange(arguments ?? []);
        BufferedCommandResult result = await DockerCli.ExecuteAsync(all, cancellationToken: cancellationToken);
        if (!result.IsSuccess)
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException($"docker run failed ({result.ExitCode}): {result.StandardError}");
        }

        return new HttpStreamContainer(directory, result.StandardOutput.Trim());
    }

    /// <summary>
    /// Waits until lsnr.sock (a socket, or a symlink to one) accepts a connection: a function that binds it itself
    /// (--direct-bind) shows the file a moment before it listens.
    /// </summary>
    public async Task WaitForSocketAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(SocketPath) || !await UnixSocketHttp.AcceptsAsync(SocketPath, cancellationToken))
        {
            if (DateTime.UtcNow > deadline)
            {
                BufferedCommandResult logs = await DockerCli.ExecuteAsync(["logs", ContainerId], cancellationToken: cancellationToken);
                throw new TimeoutException($"{SocketPath} did not accept a connection within {timeout}. Container output: {logs.StandardOutput}{logs.StandardError}");
            }

            // The poll's period: the socket is probed again until it accepts or the deadline passes.
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>An HTTP client whose every connection is the container's unix socket (one at a time).</summary>
    public HttpClient CreateClient() => UnixSocketHttp.CreateTestClient(SocketPath);

    public async ValueTask DisposeAsync()
    {
        await DockerCli.ExecuteAsync(["rm", "-f", ContainerId]);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // The engine may still hold the bind mount for a moment; the temp dir is harmless.
        }
    }
}
