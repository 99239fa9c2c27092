using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NATS.Client.Core;

namespace FnPipeline.Fleet.Tests.Async;

/// <summary>
/// One <c>nats-server -js</c> of the test run's own (Debian's nats-server; loopback, a free port, JetStream data in a
/// temporary folder), killed and removed on dispose. Fails every test with the installing command when the program is
/// missing. Default max_payload (1 MB).
/// </summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    private Process? _server;
    private string? _dataDir;

    public string Url { get; private set; } = "";

    /// <summary>The server's max_payload (nats-server's default).</summary>
    public const int MaxPayload = 1024 * 1024;

    public async Task InitializeAsync()
    {
        var program = new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nats-server is not installed: 'apt-get install -y nats-server' (or run 'bash scripts/test.sh', which installs it). Fleet tests fail rather than skip without it.");
        var port = FreePort();
        _dataDir = Directory.CreateTempSubdirectory("fnp-async-nats-").FullName;
        Url = $"nats://127.0.0.1:{port}";
        var start = new ProcessStartInfo(program)
        {
            ArgumentList = { "-js", "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", _dataDir, "-n", $"async-tests-{port}" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        _server = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        _server.BeginErrorReadLine();
        _server.BeginOutputReadLine();

        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                await using var connection = new NatsConnection(NatsOpts.Default with { Url = Url, ConnectTimeout = TimeSpan.FromSeconds(1) });
                await connection.ConnectAsync();
                return connection.ServerInfo?.JetStreamAvailable == true;
            }
            catch (NatsException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), $"nats-server answers on {Url} with JetStream");
    }

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        if (_dataDir is not null)
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Tests of asynchronous calls: their own NATS server and the run's engine.</summary>
[CollectionDefinition(Name)]
public sealed class AsyncCallsCollectionDefinition : ICollectionFixture<NatsServerFixture>, ICollectionFixture<FnPipeline.Testing.Engine.EngineFixture>
{
    public const string Name = "AsyncCalls";
}
