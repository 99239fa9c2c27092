using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Docker.Engine;
using NSubstitute;

namespace FnPipeline.Tests.Docker.Engine;

/// <summary>The version gate on the engine's API version (Podman passes), with an engine that answers from memory.</summary>
public sealed class EngineProbeTests
{
    private static readonly EngineEndpoint Endpoint = new(new Uri("unix:///run/test.sock"), "test");

    private static Task<EngineStatus> ProbeAsync(VersionResponse version, EngineRequirements requirements)
    {
        var client = Substitute.For<IDockerClient>();
        client.System.GetVersionAsync(Arg.Any<CancellationToken>()).Returns(version);
        return new EngineProbe(Endpoint, client, requirements).CheckAsync(TimeSpan.FromSeconds(30));
    }

    private static VersionResponse Podman431 => new()
    {
        Version = "4.3.1",
        APIVersion = "1.41",
        Os = "linux",
        Arch = "amd64",
        Platform = new PlatformInfo { Name = "linux/amd64/debian-12" },
        Components = [new ComponentVersion { Name = "Podman Engine", Version = "4.3.1" }],
    };

    private static VersionResponse Docker(string version, string api) => new()
    {
        Version = version,
        APIVersion = api,
        Os = "linux",
        Arch = "amd64",
        Components = [new ComponentVersion { Name = "Engine", Version = version }],
    };

    [Fact]
    public async Task Podman_PassesTheApiGate_AndIsNotHeldToDockersProductVersion()
    {
        var status = await ProbeAsync(Podman431, new EngineRequirements(new System.Version(1, 33), "17.10.0"));

        status.Problem.ShouldBeNull();
        status.Identity!.Product.ShouldBe(EngineProducts.Podman);
    }

    [Fact]
    public async Task AnOldApi_IsRefused_NamingBothVersions()
    {
        var status = await ProbeAsync(Docker("17.09.1-ce", "1.32"), new EngineRequirements(new System.Version(1, 33), null));

        status.Problem!.Kind.ShouldBe(EngineProblemKind.TooOld);
        status.Problem.Message.ShouldContain("Required: 1.33 Found: 1.32");
        status.Problem.Fix.ShouldContain("docker.io");
    }

    [Fact]
    public async Task DockersProductFloor_AppliesToDocker()
    {
        var status = await ProbeAsync(Docker("20.10.24+dfsg1", "1.41"), new EngineRequirements(new System.Version(1, 33), "99.0.0"));

        status.Problem!.Message.ShouldBe("docker version is too old. Required: 99.0.0 Found: 20.10.24+dfsg1");
    }

    [Fact]
    public async Task PodmanTooOld_SaysUpgradePodman_NotDockerIo()
    {
        var status = await ProbeAsync(Podman431, new EngineRequirements(new System.Version(1, 44), null));

        status.Problem!.Fix.ShouldContain("Podman");
        status.Problem.Fix.ShouldNotContain("docker.io");
    }

    [Fact]
    public async Task NoGate_AcceptsAnyEngine() =>
        (await ProbeAsync(Docker("1.13.0", "1.26"), new EngineRequirements(null, null))).IsHealthy.ShouldBeTrue();
}
