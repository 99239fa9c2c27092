using System.Text.Json;
using Docker.DotNet;
using FnPipeline.Testing.Engine;
using Xunit;

namespace FnPipeline.Testing.Fleet;

/// <summary>One server of the fleet's NATS cluster (scripts/fleet-up.sh): its client URL and its monitoring endpoint.</summary>
public sealed record FleetNatsServer(string Name, string ClientUrl, Uri MonitoringUri);

/// <summary>One node engine of the fleet (a dockerd of its own, <c>--bridge=none</c>): its endpoint and socket path.</summary>
public sealed record FleetNodeEngine(string Name, Uri Endpoint)
{
    public string SocketPath => Endpoint.AbsolutePath;

    /// <summary>A new client on this engine (the caller disposes it).</summary>
    public DockerClient CreateClient() => new DockerClientBuilder().WithEndpoint(Endpoint).Build();
}

/// <summary>
/// The fleet of every fleet test, started by scripts/fleet-up.sh (docs/fleet.md#running-a-fleet-on-one-machine): the
/// 3-server NATS cluster with JetStream and the 3 node engines. Like <see cref="EngineFixture"/> it fails every test
/// with the reason and the fixing command when a part does not answer or lacks a test image (fleet tests never skip),
/// and on dispose fails the run if a container labelled with this run's <see cref="TestRun.RunLabel"/> is left on a
/// node engine. A test project shares it through a collection definition of its own. While it lives it holds the
/// fleet's use lock shared (<see cref="UseLockPath"/>): a test that takes NATS servers away (test projects run in
/// parallel) first takes it exclusively with <see cref="TakeClusterAsync"/>, so it never does so under another suite.
/// </summary>
public sealed class FleetFixture : IAsyncLifetime
{
    /// <summary>Held shared by every live fixture, exclusively by a test that stops servers of the cluster.</summary>
    public const string UseLockPath = "/run/fnpipeline-fleet/tests.lock";

    /// <summary>The command that starts (or completes) the fleet.</summary>
    public const string UpCommand = "sudo bash scripts/fleet-up.sh";

    /// <summary>The cluster name fleet-up.sh gives the NATS servers.</summary>
    public const string ClusterName = "fnpipeline-fleet";

    /// <summary>max_payload of the fleet's servers (8 MB).</summary>
    public const long MaxPayload = 8L * 1024 * 1024;

    /// <summary>One client for the monitoring endpoints of every fixture (process-wide, as HttpClient is meant to be).</summary>
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private bool _nodesAnswered;
    private FileStream? _useLock;

    /// <summary>n1..n3: client ports 4222-4224, monitoring 8222-8224, on loopback.</summary>
    public static IReadOnlyList<FleetNatsServer> Servers { get; } =
    [
        new("n1", "nats://127.0.0.1:4222", new Uri("http://127.0.0.1:8222/")),
        new("n2", "nats://127.0.0.1:4223", new Uri("http://127.0.0.1:8223/")),
        new("n3", "nats://127.0.0.1:4224", new Uri("http://127.0.0.1:8224/")),
    ];

    /// <summary>node1..node3: unix:///run/fnpipeline-fleet/nodeN/docker.sock.</summary>
    public static IReadOnlyList<FleetNodeEngine> Nodes { get; } =
        [.. Enumerable.Range(1, 3).Select(n => new FleetNodeEngine($"node{n}", new Uri($"unix:///run/fnpipeline-fleet/node{n}/docker.sock")))];

    /// <summary>The three client URLs, comma-separated (a NATS client takes them as its seed list).</summary>
    public static string NatsUrl { get; } = string.Join(',', Servers.Select(s => s.ClientUrl));

    /// <summary>GET on a monitoring endpoint (<c>varz</c>, <c>routez</c>, <c>jsz</c>, <c>connz</c>...) of <paramref name="server"/>, parsed.</summary>
    public static async Task<JsonDocument> MonitorAsync(FleetNatsServer server, string endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        await using var body = await Http.GetStreamAsync(new Uri(server.MonitoringUri, endpoint), cancellationToken);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
    }

    public async Task InitializeAsync()
    {
        await RequireFleetAsync();
        _nodesAnswered = true;
        _useLock = await LockAsync(exclusive: false, TimeSpan.FromMinutes(10));
    }

    /// <summary>
    /// The cluster for this caller alone: waits (up to <paramref name="wait"/>) until no fixture of any test process
    /// holds the use lock, then holds it exclusively until disposed. Only a test that stops NATS servers needs it.
    /// </summary>
    public static async Task<IDisposable> TakeClusterAsync(TimeSpan wait) => await LockAsync(exclusive: true, wait);

    /// <summary>Fails (with the reason and the fixing command) unless every server and node engine answers as the fleet's, with the test images.</summary>
    public static async Task RequireFleetAsync()
    {
        foreach (var server in Servers)
        {
            await RequireServerAsync(server);
        }

        var missing = new List<string>();
        foreach (var node in Nodes)
        {
            using var client = node.CreateClient();
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await client.System.PingAsync(timeout.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw Missing($"Node engine {node.Name} does not answer at {node.Endpoint} ({e.GetType().Name}: {e.Message}).", e);
            }

            missing.AddRange(await MissingImagesAsync(client, node));
        }

        if (missing.Count > 0)
        {
            throw Missing($"Test images missing on the node engines: {string.Join(", ", missing)}.", null);
        }
    }

    /// <summary>Containers of this run on <paramref name="node"/> now (running or not).</summary>
    public static async Task<IReadOnlyList<string>> RunContainersAsync(FleetNodeEngine node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        using var client = node.CreateClient();
        return await Containers.ListByLabelAsync(client, TestRun.RunLabel, cancellationToken);
    }

    public async Task DisposeAsync()
    {
        _useLock?.Dispose();
        if (_nodesAnswered)
        {
            await RequireNoLeaksAsync();
        }
    }

    /// <summary>Fails the run if a container labelled with this run's label remains on a node engine (after a grace for removals in progress).</summary>
    public static async Task RequireNoLeaksAsync()
    {
        var leaks = new List<string>();
        foreach (var node in Nodes)
        {
            IReadOnlyList<string> left = [];
            try
            {
                await Eventually.HoldsAsync(async () => (left = await RunContainersAsync(node)).Count == 0, EngineFixture.LeakCheckTimeout, $"no container of this run remains on {node.Name}");
            }
            catch (TimeoutException)
            {
                leaks.Add($"{node.Name}: {string.Join(", ", left.Select(id => id[..Math.Min(12, id.Length)]))}");
            }
        }

        if (leaks.Count > 0)
        {
            throw new InvalidOperationException(
                $"Tests left containers labelled {TestRun.RunLabel} on node engines ({string.Join("; ", leaks)}). Remove them with 'docker -H <node endpoint> rm -f', then fix the test that leaked them.");
        }
    }

    /// <summary>flock on <see cref="UseLockPath"/> (.NET takes LOCK_SH for a read-only share, LOCK_EX for FileShare.None), polled until <paramref name="wait"/>.</summary>
    private static async Task<FileStream> LockAsync(bool exclusive, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                return exclusive
                    ? new FileStream(UseLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
                    : new FileStream(UseLockPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
            catch (IOException e)
            {
                throw new TimeoutException(
                    $"The fleet's use lock {UseLockPath} stayed held {(exclusive ? "by other fleet tests" : "by a test that stops NATS servers")} for {wait.TotalMinutes:0.#} min.", e);
            }
        }
    }

    /// <summary>How long a server of the fleet may report itself unhealthy (JetStream catching up) before the tests fail.</summary>
    private static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(90);

    private static InvalidOperationException Missing(string reason, Exception? inner) => new(
        $"{reason} Start the fleet with '{UpCommand}', or run everything with 'bash scripts/test.sh'. Fleet tests fail rather than skip without the fleet.",
        inner);

    /// <summary>The server answers as ours (name and cluster) and its health check passes (JetStream current).</summary>
    private static async Task RequireServerAsync(FleetNatsServer server)
    {
        try
        {
            using var varz = await MonitorAsync(server, "varz");
            var name = varz.RootElement.GetProperty("server_name").GetString();
            var cluster = varz.RootElement.TryGetProperty("cluster", out var c) && c.TryGetProperty("name", out var n) ? n.GetString() : null;
            if (name != server.Name || cluster != ClusterName)
            {
                throw Missing($"The NATS server at {server.MonitoringUri} is '{name}' of cluster '{cluster}', not {server.Name} of {ClusterName}.", null);
            }

            // JetStream's health includes every stream and consumer being current: after a restart (the outage tests')
            // or under load a replica catches up for a while, so unhealthy is waited out, up to a generous bound.
            var deadline = DateTime.UtcNow + HealthyWithin;
            while (true)
            {
                using var health = await Http.GetAsync(new Uri(server.MonitoringUri, "healthz"));
                if (health.IsSuccessStatusCode)
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw Missing($"NATS server {server.Name} stayed unhealthy for {HealthyWithin.TotalSeconds:0} s (GET /healthz: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}).", null);
                }

                // The poll's period.
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            throw Missing($"NATS server {server.Name} ({server.ClientUrl}) does not answer on {server.MonitoringUri} ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    private static async Task<IEnumerable<string>> MissingImagesAsync(DockerClient client, FleetNodeEngine node)
    {
        var missing = new List<string>();
        foreach (var image in TestImages.All)
        {
            if (!await Images.ExistsAsync(client, image))
            {
                missing.Add($"{image} on {node.Name}");
            }
        }

        return missing;
    }
}
