using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FnPipeline.Testing.Fleet;

/// <summary>
/// A nats-server of the test's own on a free loopback port, for the tests that take NATS away (the shared fleet's
/// servers stay up for everyone else). Kill and Start again on the same port; disposal kills it.
/// </summary>
public sealed class NatsServerProcess : IAsyncDisposable
{
    private Process? _process;

    private NatsServerProcess(int port) => Port = port;

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public static async Task<NatsServerProcess> StartAsync()
    {
        var server = new NatsServerProcess(FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again) on its port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("nats-server", ["-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("nats-server did not start (apt-get install nats-server)");
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await Eventually.HoldsAsync(async () => await AcceptsAsync(), TimeSpan.FromSeconds(20), $"nats-server on port {Port} accepts connections");
    }

    /// <summary>Kills the server (SIGKILL) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
