using FnPipeline.Docker;

namespace FnPipeline.Tests.Docker;

public sealed class DockerClientFactoryTests
{
    [Fact]
    public void ResolveEndpoint_ConfiguredWins() =>
        DockerClientFactory.ResolveEndpoint("unix:///run/other.sock", "tcp://remote:2375").ShouldBe(new Uri("unix:///run/other.sock"));

    [Fact]
    public void ResolveEndpoint_ThenDockerHost() =>
        DockerClientFactory.ResolveEndpoint(null, "tcp://remote:2375").ShouldBe(new Uri("tcp://remote:2375"));

    [Fact]
    public void ResolveEndpoint_ThenTheDefaultSocket() =>
        DockerClientFactory.ResolveEndpoint(" ", "").ShouldBe(new Uri("unix:///var/run/docker.sock"));

    [Fact]
    public void ResolveEndpoint_NotAUri_SaysWhatIsExpected() =>
        Should.Throw<InvalidOperationException>(() => DockerClientFactory.ResolveEndpoint("docker.sock", null))
            .Message.ShouldContain("unix:///var/run/docker.sock");
}
