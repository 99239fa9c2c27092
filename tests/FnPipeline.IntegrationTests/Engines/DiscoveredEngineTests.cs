using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FnPipeline.IntegrationTests.Infrastructure;
using FnPipeline.Testing.Engine;
using static FnPipeline.IntegrationTests.Engines.EngineKit;

namespace FnPipeline.IntegrationTests.Engines;

/// <summary>
/// The main engine found the other ways the docker CLI finds one: through the current docker context, and as a rootless
/// engine's socket (<c>$XDG_RUNTIME_DIR/docker.sock</c>) when no rootful socket exists. Each path is a forwarding
/// socket to the main engine, so the test sees that the executor used it.
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class DiscoveredEngineTests(EngineFixture engine)
{
    private string MainSocket => engine.Endpoint.Scheme == "unix"
        ? engine.Endpoint.AbsolutePath
        : throw new InvalidOperationException($"these tests forward to the main engine's unix socket; it is at {engine.Endpoint}");

    [Fact]
    public async Task CurrentContext_InDockerConfig_RunsAColdCallOnItsEngine()
    {
        var config = EngineDaemon.NewDirectory("fnpe-ctx");
        try
        {
            await using var forwarder = new SocketForwarder(Path.Join(config, "engine.sock"), MainSocket);
            const string name = "fnpipe-it";
            var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
            Directory.CreateDirectory(Path.Join(config, "contexts", "meta", id));
            await File.WriteAllTextAsync(Path.Join(config, "config.json"), JsonSerializer.Serialize(new { currentContext = name }));
            await File.WriteAllTextAsync(
                Path.Join(config, "contexts", "meta", id, "meta.json"),
                JsonSerializer.Serialize(new { Name = name, Metadata = new { }, Endpoints = new { docker = new { Host = "unix://" + forwarder.Path } } }));
            await using var executor = Executor(Discovery(new Dictionary<string, string> { ["DOCKER_CONFIG"] = config }), out _);
            await executor.StartAsync();

            using var result = await executor.InvokeAsync(ColdCall("hello context"));

            result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
            result.OutputAsString().ShouldBe("hello context");
            forwarder.Connections.ShouldBeGreaterThan(0);
            await AssertNoContainersLeftAsync(engine.Endpoint.ToString(), executor);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }

    [Fact]
    public async Task RootlessSocket_WhenNoRootfulSocketExists_RunsAColdCall()
    {
        var runtime = EngineDaemon.NewDirectory("fnpe-xdg");
        try
        {
            await using var forwarder = new SocketForwarder(Path.Join(runtime, "docker.sock"), MainSocket);
            var discovery = Discovery(
                new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = runtime },
                rootfulSocket: Path.Join(runtime, "no-rootful-engine.sock"));
            discovery.Resolve(null).Source.ShouldContain("rootless");
            await using var executor = Executor(discovery, out _);
            await executor.StartAsync();

            using var result = await executor.InvokeAsync(ColdCall("hello rootless"));

            result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
            result.OutputAsString().ShouldBe("hello rootless");
            forwarder.Connections.ShouldBeGreaterThan(0);
            await AssertNoContainersLeftAsync(engine.Endpoint.ToString(), executor);
        }
        finally
        {
            Directory.Delete(runtime, recursive: true);
        }
    }
}
