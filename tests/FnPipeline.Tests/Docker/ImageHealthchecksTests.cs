using Docker.DotNet.Models;
using FnPipeline.Docker;

namespace FnPipeline.Tests.Docker;

public sealed class ImageHealthchecksTests
{
    public static TheoryData<string[]?, bool> Tests => new()
    {
        { null, false },
        { [], false },
        { ["NONE"], false },
        { ["CMD-SHELL", "test -f /tmp/ready"], true },
        { ["CMD", "/bin/check"], true },
    };

    [Theory]
    [MemberData(nameof(Tests))]
    public void Declares_OnlyARunningHealthcheck(string[]? test, bool expected)
    {
        var image = new ImageInspectResponse { Config = new DockerOCIImageConfig { Healthcheck = test is null ? null : new HealthcheckConfig { Test = test } } };

        ImageHealthchecks.Declares(image).ShouldBe(expected);
    }

    [Fact]
    public void MayDeclare_IsFalseOnlyForAnImageSeenWithoutOne()
    {
        var healthchecks = new ImageHealthchecks();
        healthchecks.Record("plain", new ImageInspectResponse { Config = new DockerOCIImageConfig() });
        healthchecks.Record("checked", new ImageInspectResponse { Config = new DockerOCIImageConfig { Healthcheck = new HealthcheckConfig { Test = ["CMD", "true"] } } });

        healthchecks.MayDeclare("plain").ShouldBeFalse();
        healthchecks.MayDeclare("checked").ShouldBeTrue();
        healthchecks.MayDeclare("never-seen").ShouldBeTrue();
    }
}
