using System.Net;
using System.Net.Sockets;
using FnPipeline.IntegrationTests.Cold;
using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.Lifetime;

/// <summary>On the real engine: a failure no call caused is an <see cref="FnEngineException"/> naming the endpoint and the operation.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class EngineFailureTests(EngineFixture engine)
{
    [Fact]
    public async Task EngineNotListening_FailsTheCallNamingTheEndpointAndThePing()
    {
        // A socket file nobody listens on, as a stopped engine leaves it: the connection is refused.
        var directory = Directory.CreateTempSubdirectory("fnpe-").FullName;
        var path = Path.Join(directory, "docker.sock");
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
        }

        try
        {
            await using var executor = ExecutorTestKit.Create(engine, o =>
            {
                o.DockerEndpoint = $"unix://{path}";
                o.Hot.SocketBaseDirectory = directory;
            });

            var error = await Should.ThrowAsync<FnEngineException>(() => executor.InvokeAsync(ExecutorTestKit.Call(TestImages.TestFunction, "x")));

            error.Message.ShouldStartWith($"Engine unix://{path}: ping failed: ");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task TcpAddressNobodyListensOn_FailsStartNamingTheEndpointAndThePing()
    {
        // A loopback port just freed: the dial is refused (Docker.DotNet's TCP dialler throws an AggregateException).
        var port = FreeLoopbackPort();
        var directory = Directory.CreateTempSubdirectory("fnpe-").FullName;
        try
        {
            await using var executor = ExecutorTestKit.Create(engine, o =>
            {
                o.DockerEndpoint = $"tcp://127.0.0.1:{port}";
                o.Hot.SocketBaseDirectory = directory;
            });

            var atStart = await Should.ThrowAsync<FnEngineException>(() => executor.StartAsync());
            var atCall = await Should.ThrowAsync<FnEngineException>(() => executor.InvokeAsync(ExecutorTestKit.Call(TestImages.TestFunction, "x")));

            foreach (var error in new[] { atStart, atCall })
            {
                error.Message.ShouldStartWith($"Engine tcp://127.0.0.1:{port}: ping failed: the engine at tcp://127.0.0.1:{port} ");
                error.Message.ShouldContain("is unreachable: Connection refused");
                error.Message.ShouldNotContain("One or more errors occurred");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task EngineRefusal_NoCallCaused_FailsTheCallNamingTheEndpointAndTheOperation()
    {
        // The engine creates a container for a network that does not exist and refuses to start it.
        await using var executor = ExecutorTestKit.Create(engine);
        var network = "fnpipeline-no-such-network-" + Guid.NewGuid().ToString("N")[..8];
        var call = ExecutorTestKit.Call(TestImages.TestFunction, "x") with { Network = network };

        var error = await Should.ThrowAsync<FnEngineException>(() => executor.InvokeAsync(call));

        error.Message.ShouldContain($"Engine {engine.Endpoint}: start container ");
        error.Message.ShouldContain(network);
        await executor.DisposeAsync();
        await ExecutorTestKit.AssertNoContainersLeftAsync(engine, executor);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
