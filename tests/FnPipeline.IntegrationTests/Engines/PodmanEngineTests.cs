using FnPipeline.Docker.Engine;
using FnPipeline.IntegrationTests.Infrastructure;
using FnPipeline.Testing.Engine;
using static FnPipeline.IntegrationTests.Engines.EngineKit;

namespace FnPipeline.IntegrationTests.Engines;

/// <summary>Podman's Docker-compatible API (<see cref="PodmanFixture"/>): the version gate lets it in, cold and hot calls run.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class PodmanEngineTests(PodmanFixture podman) : IClassFixture<PodmanFixture>
{
    private EngineDiscovery Podman => Discovery(new Dictionary<string, string> { ["DOCKER_HOST"] = podman.Address });

    [Fact]
    public async Task Probe_ReadsPodmansApiVersion_AndPassesTheGate()
    {
        // A Docker product floor does not apply to Podman's own numbering (4.3.1 < 17.10.0).
        var status = await ProbeAsync(Podman, new EngineRequirements(new Version(1, 33), "17.10.0"));

        status.Problem.ShouldBeNull(status.Describe());
        status.Identity!.Product.ShouldBe(EngineProducts.Podman);
        Version.Parse(status.Identity.ApiVersion).ShouldBeGreaterThanOrEqualTo(new Version(1, 33));
    }

    [Fact]
    public async Task Probe_AnApiFloorAbovePodmans_SaysUpgradePodman()
    {
        var status = await ProbeAsync(Podman, new EngineRequirements(new Version(9, 99), null));

        status.Problem.ShouldNotBeNull();
        status.Problem.Kind.ShouldBe(EngineProblemKind.TooOld);
        status.Problem.Message.ShouldContain("Required: 9.99");
        status.Problem.Fix.ShouldContain("Podman");
        status.Problem.Fix.ShouldNotContain("docker.io");
    }

    [Fact]
    public async Task ColdCall_RunsOnPodman()
    {
        await using var executor = Executor(Podman, out _);
        await executor.StartAsync();

        using var result = await executor.InvokeAsync(ColdCall("hello podman"));

        result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
        result.OutputAsString().ShouldBe("hello podman");
        result.ExitCode.ShouldBe(0);
        await AssertNoContainersLeftAsync(podman.Address, executor);
    }

    [Fact]
    public async Task HotCalls_RunOnPodman_InOneContainer()
    {
        await using var executor = Executor(Podman, out var socketDirectory);
        try
        {
            await executor.StartAsync();

            using var first = await executor.InvokeAsync(HotCall("hot one"));
            using var second = await executor.InvokeAsync(HotCall("hot two"));

            first.Status.ShouldBe(InvocationStatus.Success, first.ToString());
            first.OutputAsString().ShouldBe("hot one");
            second.Status.ShouldBe(InvocationStatus.Success, second.ToString());
            second.OutputAsString().ShouldBe("hot two");
            second.ContainerId.ShouldBe(first.ContainerId);
            await executor.DisposeAsync();
            await AssertNoContainersLeftAsync(podman.Address, executor);
        }
        finally
        {
            Directory.Delete(socketDirectory, recursive: true);
        }
    }
}
