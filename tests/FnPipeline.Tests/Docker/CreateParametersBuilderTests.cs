using FnPipeline.Docker;
using FnPipeline.Driver;

namespace FnPipeline.Tests.Docker;

public sealed class CreateParametersBuilderTests
{
    private static readonly DockerDriverSettings Settings = new() { InstanceId = "exec-1", MaxTmpFsInodes = 500, PidsLimit = 64 };

    private static ContainerSpec Spec() => new() { Name = "fn-call-1", Image = "fnpipeline/busybox:latest" };

    [Fact]
    public void Build_Minimal_AttachesOutputAndDisablesLogging()
    {
        var p = CreateParametersBuilder.Build(Spec(), Settings, "none");

        (p.Name, p.Image).ShouldBe(("fn-call-1", "fnpipeline/busybox:latest"));
        (p.AttachStdout, p.AttachStderr).ShouldBe((true, true));
        (p.OpenStdin, p.StdinOnce, p.AttachStdin).ShouldBe((true, true, true));
        p.Cmd.ShouldBeNull();
        p.HostConfig!.LogConfig!.Type.ShouldBe("none");
        p.HostConfig!.NetworkMode.ShouldBe("none");
        p.HostConfig!.Memory.ShouldBe(0);
        p.HostConfig!.Tmpfs.ShouldBeNull();
        p.HostConfig!.StorageOpt.ShouldBeNull();
        p.HostConfig!.PidsLimit.ShouldBe(64);
        p.HostConfig!.Ulimits.ShouldBeNull();
        p.User.ShouldBeNullOrEmpty();
        p.HostConfig!.CapDrop.ShouldBeNull();
        p.HostConfig!.SecurityOpt.ShouldBeNull();
    }

    [Fact]
    public void Ulimits_AreSoftAndHardAlike()
    {
        var settings = Settings with { Ulimits = [new("nofile", 256), new("memlock", 65536)] };

        var ulimits = CreateParametersBuilder.Build(Spec(), settings, "none").HostConfig!.Ulimits!;

        ulimits.Select(u => (u.Name, u.Soft, u.Hard)).ShouldBe([("nofile", 256L, 256L), ("memlock", 65536L, 65536L)]);
    }

    [Fact]
    public void Unprivileged_RunsAsUser1000WithoutCapabilitiesOrNewPrivileges()
    {
        var p = CreateParametersBuilder.Build(Spec(), Settings with { Unprivileged = true }, "none");

        p.User.ShouldBe("1000:1000");
        p.HostConfig!.CapDrop.ShouldBe(["ALL"]);
        p.HostConfig!.SecurityOpt.ShouldBe(["no-new-privileges"]);
    }

    [Fact]
    public void Labels_ExecutorLabelsOverrideTheSpecs()
    {
        var spec = Spec() with { Labels = new Dictionary<string, string> { ["fnpipeline.instance"] = "forged", ["team"] = "a" } };

        var p = CreateParametersBuilder.Build(spec, Settings, "none");

        p.Labels.ShouldBe(new Dictionary<string, string> { ["fnpipeline.instance"] = "exec-1", ["fnpipeline.managed"] = "true", ["team"] = "a" }, ignoreOrder: true);
    }

    [Fact]
    public void Memory_SetsSwapEqualAndSwappinessZero()
    {
        var p = CreateParametersBuilder.Build(Spec() with { Resources = new ContainerResources { MemoryBytes = 128L << 20 } }, Settings, "none");

        (p.HostConfig!.Memory, p.HostConfig!.MemorySwap, p.HostConfig!.MemorySwappiness).ShouldBe((128L << 20, 128L << 20, 0L));
    }

    [Fact]
    public void Cpu_QuotaIsMilliCpusTimes100OverA100msPeriod()
    {
        var p = CreateParametersBuilder.Build(Spec() with { Resources = new ContainerResources { MilliCpus = 8000 } }, Settings, "none");

        (p.HostConfig!.CPUQuota, p.HostConfig!.CPUPeriod).ShouldBe((800_000L, 100_000L));
    }

    [Fact]
    public void CommandEnvironmentWorkDir_AreCopiedInOrder()
    {
        var spec = Spec() with
        {
            Command = ["sh", "-c", "echo hi"],
            Environment = [new("B", "2"), new("A", "1=one")],
            WorkingDirectory = "/work",
        };

        var p = CreateParametersBuilder.Build(spec, Settings, "none");

        p.Cmd.ShouldBe(["sh", "-c", "echo hi"]);
        p.Env.ShouldBe(["B=2", "A=1=one"]);
        p.WorkingDir.ShouldBe("/work");
    }

    [Theory]
    [InlineData(0, 0, true, "")]
    [InlineData(16, 0, false, "size=16m")]
    [InlineData(16, 100, true, "size=16m,nr_inodes=100")]
    public void TmpFs_FollowsFnsRules(long sizeMB, long inodes, bool readOnly, string expected)
    {
        var settings = Settings with { MaxTmpFsInodes = 0 };
        var spec = Spec() with { ReadOnlyRootFs = readOnly, Resources = new ContainerResources { TmpFsMB = sizeMB, TmpFsInodes = inodes } };

        var p = CreateParametersBuilder.Build(spec, settings, "none");

        p.HostConfig!.Tmpfs.ShouldBe(new Dictionary<string, string> { ["/tmp"] = expected });
        p.HostConfig!.ReadonlyRootfs.ShouldBe(readOnly);
    }

    [Fact]
    public void TmpFs_NotSizedAndWritableRoot_HasNoTmpfs()
    {
        CreateParametersBuilder.Build(Spec(), Settings, "none").HostConfig!.Tmpfs.ShouldBeNull();
    }

    [Fact]
    public void TmpFs_InodeCapFallsBackToTheOptions()
    {
        var spec = Spec() with { Resources = new ContainerResources { TmpFsMB = 4 } };

        CreateParametersBuilder.Build(spec, Settings, "none").HostConfig!.Tmpfs!["/tmp"].ShouldBe("size=4m,nr_inodes=500");
    }

    [Fact]
    public void FsSize_IsAStorageOptInMegabytes()
    {
        var p = CreateParametersBuilder.Build(Spec() with { Resources = new ContainerResources { FsSizeMB = 10 } }, Settings, "none");

        p.HostConfig!.StorageOpt.ShouldBe(new Dictionary<string, string> { ["size"] = "10M" });
    }

    [Fact]
    public void Volumes_BecomeBinds_ReadOnlyWithRo()
    {
        var spec = Spec() with { Volumes = [new VolumeMount("/host/a", "/a"), new VolumeMount("/host/b", "/b", ReadOnly: true)] };

        CreateParametersBuilder.Build(spec, Settings, "none").HostConfig!.Binds.ShouldBe(["/host/a:/a", "/host/b:/b:ro"]);
    }

    [Fact]
    public void Hostname_IsSkippedWhenJoiningAnotherContainersNamespace()
    {
        var spec = Spec() with { Hostname = "fn-host" };

        CreateParametersBuilder.Build(spec, Settings, "none").Hostname.ShouldBe("fn-host");
        CreateParametersBuilder.Build(spec, Settings, "container:abc").Hostname.ShouldBeNullOrEmpty();
    }

    [Fact]
    public void Stdin_ClosedForHotContainers()
    {
        var p = CreateParametersBuilder.Build(Spec() with { AttachStdin = false }, Settings, "none");

        (p.OpenStdin, p.StdinOnce, p.AttachStdin).ShouldBe((false, false, false));
    }

    [Fact]
    public void Logger_CopiesTheDriverAndItsOptions()
    {
        var spec = Spec() with { Logging = new LogDriverOptions("syslog", new Dictionary<string, string> { ["syslog-address"] = "udp://x:514" }) };

        var log = CreateParametersBuilder.Build(spec, Settings, "none").HostConfig!.LogConfig!;

        log.Type.ShouldBe("syslog");
        log.Config!["syslog-address"].ShouldBe("udp://x:514");
    }
}
