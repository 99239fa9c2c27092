using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.Setup;

/// <summary>
/// What scripts/fleet-up.sh promises the fleet tests (docs/fleet.md#running-a-fleet-on-one-machine): three NATS servers
/// routed into one cluster with JetStream, three separate node engines holding the main engine's test images, and
/// FnPipeline running cold and hot calls on a node engine despite its <c>--bridge=none</c>.
/// </summary>
[Collection(FleetCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class FleetSetupTests
{
    [Fact]
    public async Task NatsServers_FormOneClusterWithJetStream()
    {
        var ids = new Dictionary<string, string>();
        foreach (var server in FleetFixture.Servers)
        {
            using var varz = await FleetFixture.MonitorAsync(server, "varz");
            varz.RootElement.GetProperty("server_name").GetString().ShouldBe(server.Name);
            varz.RootElement.GetProperty("max_payload").GetInt64().ShouldBe(FleetFixture.MaxPayload);
            ids[server.Name] = varz.RootElement.GetProperty("server_id").GetString()!;
        }

        foreach (var server in FleetFixture.Servers)
        {
            using var routez = await FleetFixture.MonitorAsync(server, "routez");
            var remotes = routez.RootElement.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("remote_id").GetString()).ToHashSet();
            var others = ids.Where(i => i.Key != server.Name).Select(i => i.Value).ToHashSet();
            remotes.SetEquals(others).ShouldBeTrue($"{server.Name} routes to [{string.Join(", ", remotes)}], not to the other two servers [{string.Join(", ", others)}]");

            using var jsz = await FleetFixture.MonitorAsync(server, "jsz");
            jsz.RootElement.GetProperty("config").GetProperty("store_dir").GetString().ShouldNotBeNullOrEmpty();
            var meta = jsz.RootElement.GetProperty("meta_cluster");
            meta.GetProperty("name").GetString().ShouldBe(FleetFixture.ClusterName);
            meta.GetProperty("cluster_size").GetInt32().ShouldBe(3);
            meta.GetProperty("leader").GetString().ShouldBeOneOf("n1", "n2", "n3");
        }
    }

    [Fact]
    public async Task NodeEngines_AreThreeSeparateEngines_WithTheMainEnginesTestImages()
    {
        using var main = EngineFixture.CreateClient();
        var mainInfo = await main.System.GetSystemInfoAsync();
        var roots = new HashSet<string> { mainInfo.DockerRootDir };
        var engineIds = new HashSet<string> { mainInfo.ID };

        foreach (var node in FleetFixture.Nodes)
        {
            using var client = node.CreateClient();
            var info = await client.System.GetSystemInfoAsync();
            roots.Add(info.DockerRootDir).ShouldBeTrue($"{node.Name} shares its data root {info.DockerRootDir} with another engine");
            engineIds.Add(info.ID).ShouldBeTrue($"{node.Name} is the same engine ({info.ID}) as another one");

            foreach (var image in TestImages.All)
            {
                var wanted = (await main.Images.InspectImageAsync(image)).ID;
                (await client.Images.InspectImageAsync(image)).ID.ShouldBe(wanted, $"{image} on {node.Name} is not the main engine's (rebuilt since? run scripts/fleet-up.sh again)");
            }
        }
    }

    [Fact]
    public async Task NodeEngine_RunsColdAndHotCalls_WithNetworkNone()
    {
        var node = FleetFixture.Nodes[0];
        using var client = node.CreateClient();
        var socketBase = Path.Join("/tmp", "fnfl-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(socketBase);
        var options = new FnPipelineOptions
        {
            DockerEndpoint = node.Endpoint.ToString(),
            InstanceId = "fleetit" + Guid.NewGuid().ToString("N")[..8],
            ReapOrphans = false,
        };
        options.Hot.SocketBaseDirectory = socketBase;
        var instanceLabel = $"fnpipeline.instance={options.InstanceId}";
        try
        {
            await using (var executor = FnExecutor.Create(options))
            {
                await executor.StartAsync();

                using (var cold = await executor.InvokeAsync(Call(TestImages.TestFunction, FunctionFormat.Default, "cold on node1")))
                {
                    cold.Status.ShouldBe(InvocationStatus.Success, cold.Error?.Message);
                    cold.OutputAsString().ShouldBe("cold on node1");
                }

                using (var hot = await executor.InvokeAsync(Call(TestImages.TestFunction, FunctionFormat.HttpStream, "hot on node1")))
                {
                    hot.Status.ShouldBe(InvocationStatus.Success, hot.Error?.Message);
                    hot.OutputAsString().ShouldBe("hot on node1");
                }

                // The hot container stays idle in its pool: it is on the node engine, not the main one, in network none.
                var ids = await Containers.ListByLabelAsync(client, instanceLabel);
                ids.Count.ShouldBe(1);
                (await client.Containers.InspectContainerAsync(ids[0])).HostConfig?.NetworkMode.ShouldBe("none");
                using var main = EngineFixture.CreateClient();
                (await Containers.ListByLabelAsync(main, instanceLabel)).ShouldBeEmpty();
            }

            await Eventually.HoldsAsync(async () => (await Containers.ListByLabelAsync(client, instanceLabel)).Count == 0, TimeSpan.FromSeconds(30), "the executor's containers are gone from node1");
        }
        finally
        {
            Directory.Delete(socketBase, recursive: true);
        }
    }

    private static FunctionCall Call(string image, FunctionFormat format, string input) => new()
    {
        Image = image,
        Format = format,
        Input = CallInput.FromString(input),
        Labels = TestRun.Labels,
        Timeout = TimeSpan.FromSeconds(60),
        AppId = "app-fleet-it",
        AppName = "fleet-it",
        FunctionId = "fn-fleet-it",
        FunctionName = "echo",
    };
}
