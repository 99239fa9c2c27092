using Docker.DotNet;
using FnPipeline.Docker;
using FnPipeline.Docker.Engine;
using FnPipeline.IntegrationTests.Cold;
using FnPipeline.IntegrationTests.Infrastructure;
using FnPipeline.Testing.Engine;

namespace FnPipeline.IntegrationTests.Engines;

/// <summary>Executors and probes that find their engine by discovery, from variables the test gives (never the process's).</summary>
internal static class EngineKit
{
    /// <summary>Discovery that sees only <paramref name="variables"/> (HOME points nowhere, so no ~/.docker is read).</summary>
    public static EngineDiscovery Discovery(IReadOnlyDictionary<string, string> variables, string rootfulSocket = EngineDiscovery.RootfulSocket)
    {
        var all = new Dictionary<string, string>(variables);
        all.TryAdd("HOME", "/nonexistent-fnpipeline-home");
        return new EngineDiscovery(name => all.GetValueOrDefault(name), rootfulSocket);
    }

    /// <summary>An executor on the discovered engine, with its own hot socket directory under /tmp.</summary>
    public static FnExecutor Executor(EngineDiscovery discovery, out string socketDirectory)
    {
        socketDirectory = Path.Join("/tmp", "fnph-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(socketDirectory);
        var options = new FnPipelineOptions
        {
            EngineDiscovery = discovery,
            InstanceId = "eng" + Guid.NewGuid().ToString("N")[..9],
            ReapOrphans = false,
            DrainTimeout = TimeSpan.FromSeconds(20),
        };
        options.Hot.SocketBaseDirectory = socketDirectory;
        return FnExecutor.Create(options);
    }

    /// <summary>One probe of the discovered engine, as the executor, doctor and /health run it.</summary>
    public static async Task<EngineStatus> ProbeAsync(EngineDiscovery discovery, EngineRequirements? requirements = null)
    {
        var endpoint = discovery.Resolve(null);
        using var client = DockerClientFactory.Create(endpoint);
        return await new EngineProbe(endpoint, client, requirements ?? new EngineRequirements(new Version(1, 33), null))
            .CheckAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>A cold call of the test function that echoes <paramref name="input"/>, labelled for this run.</summary>
    public static FunctionCall ColdCall(string input) => ExecutorTestKit.Call(TestImages.TestFunction, input);

    /// <summary>A hot (http-stream) call of the test function, labelled for this run.</summary>
    public static FunctionCall HotCall(string input) => global::FnPipeline.IntegrationTests.Hot.HotExecutorKit.Call(TestImages.TestFunction, input);

    /// <summary>Waits (bounded) until <paramref name="engine"/> lists no container of <paramref name="executor"/>.</summary>
    public static async Task AssertNoContainersLeftAsync(string engine, IFnExecutor executor)
    {
        using var client = new DockerClientBuilder().WithEndpoint(new Uri(engine)).Build();
        IReadOnlyList<string> left = [];
        await Eventually.HoldsAsync(
            async () => (left = await Containers.ListByLabelAsync(client, $"fnpipeline.instance={executor.InstanceId}")).Count == 0,
            TimeSpan.FromSeconds(60),
            () => $"no container of executor {executor.InstanceId} remains on {engine} (left: {string.Join(", ", left)})");
    }
}
