using Shouldly;
using Xunit;

namespace FnPipeline.Tests.Configuration;

public sealed class FnPipelineEnvironmentTests
{
    [Fact]
    public void Apply_SetVariables_OverrideDefaults()
    {
        var env = new Dictionary<string, string>
        {
            ["FNPIPELINE_MAX_CONTAINERS"] = "7",
            ["FNPIPELINE_NETWORKS"] = "net-a, net-b net-c",
            ["FNPIPELINE_READONLY_ROOTFS"] = "false",
            ["FNPIPELINE_HOT_IDLE_TIMEOUT_MS"] = "1500",
            ["FNPIPELINE_PREFORK_CMD"] = "sleep 1000",
            ["FNPIPELINE_START_TIMEOUT_MS"] = "45000",
        };

        var options = FnPipelineEnvironment.Apply(new FnPipelineOptions(), env.GetValueOrDefault);

        options.MaxContainers.ShouldBe(7);
        options.Networks.ShouldBe(["net-a", "net-b", "net-c"]);
        options.ReadOnlyRootFs.ShouldBeFalse();
        options.Hot.IdleTimeout.ShouldBe(TimeSpan.FromMilliseconds(1500));
        options.PreForkPool.Command.ShouldBe(["sleep", "1000"]);
        options.StartTimeout.ShouldBe(TimeSpan.FromSeconds(45));
        options.DefaultMemoryMB.ShouldBe(128);
    }

    [Fact]
    public void Apply_HotScaling_NumbersOrEmptyForTheMachinesDefault()
    {
        var set = new Dictionary<string, string> { ["FNPIPELINE_HOT_MAX_PER_FUNCTION"] = "6", ["FNPIPELINE_HOT_MAX_CONCURRENT_STARTS"] = "3" };
        var empty = new Dictionary<string, string> { ["FNPIPELINE_HOT_MAX_PER_FUNCTION"] = "", ["FNPIPELINE_HOT_MAX_CONCURRENT_STARTS"] = "" };

        var configured = FnPipelineEnvironment.Apply(new FnPipelineOptions(), set.GetValueOrDefault);
        var derived = FnPipelineEnvironment.Apply(new FnPipelineOptions { Hot = { MaxContainersPerFunction = 9 } }, empty.GetValueOrDefault);

        (configured.Hot.MaxContainersPerFunction, configured.Hot.MaxConcurrentStarts).ShouldBe((6, 3));
        (derived.Hot.MaxContainersPerFunction, derived.Hot.MaxConcurrentStarts).ShouldBe((null, null));
        Should.Throw<FormatException>(() => FnPipelineEnvironment.Apply(
            new FnPipelineOptions(), new Dictionary<string, string> { ["FNPIPELINE_HOT_MAX_CONCURRENT_STARTS"] = "two" }.GetValueOrDefault))
            .Message.ShouldBe("FNPIPELINE_HOT_MAX_CONCURRENT_STARTS='two': not an integer");
    }

    [Fact]
    public void Apply_RemovalDrainTimeout()
    {
        var env = new Dictionary<string, string> { ["FNPIPELINE_REMOVAL_DRAIN_TIMEOUT_MS"] = "2500" };

        var options = FnPipelineEnvironment.Apply(new FnPipelineOptions(), env.GetValueOrDefault);

        options.RemovalDrainTimeout.ShouldBe(TimeSpan.FromMilliseconds(2500));
        new FnPipelineOptions().RemovalDrainTimeout.ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Apply_UnprivilegedAndUlimits()
    {
        var env = new Dictionary<string, string>
        {
            ["FNPIPELINE_UNPRIVILEGED"] = "1",
            ["FNPIPELINE_ULIMIT_NOFILE"] = "1024",
            ["FNPIPELINE_ULIMIT_MEMLOCK"] = "65536",
            ["FNPIPELINE_ULIMIT_SIGPENDING"] = "",
            ["FNPIPELINE_ULIMIT_MSGQUEUE"] = "819200",
        };

        var options = FnPipelineEnvironment.Apply(new FnPipelineOptions(), env.GetValueOrDefault);

        options.Unprivileged.ShouldBeTrue();
        (options.Ulimits.OpenFiles, options.Ulimits.LockedMemoryBytes, options.Ulimits.PendingSignals, options.Ulimits.MessageQueueBytes)
            .ShouldBe((1024L, 65536L, (long?)null, 819200L));
    }

    [Theory]
    [InlineData("1500", 1500)]
    [InlineData("0", 0)]
    [InlineData("-1", -1)]
    public void Apply_StatsDelay_MinusOneIsNever(string value, int expectedMs)
    {
        var options = FnPipelineEnvironment.Apply(new FnPipelineOptions(), name => name == "FNPIPELINE_STATS_DELAY_MS" ? value : null);

        options.StatsDelay.ShouldBe(TimeSpan.FromMilliseconds(expectedMs));
    }

    [Fact]
    public void Apply_MalformedValues_ListsEveryOne()
    {
        var env = new Dictionary<string, string>
        {
            ["FNPIPELINE_MAX_CONTAINERS"] = "many",
            ["FNPIPELINE_INIT"] = "yes",
        };

        var ex = Should.Throw<FormatException>(() => FnPipelineEnvironment.Apply(new FnPipelineOptions(), env.GetValueOrDefault));

        ex.Message.ShouldBe("FNPIPELINE_MAX_CONTAINERS='many': not an integer; FNPIPELINE_INIT='yes': not a boolean (true, false, 1 or 0)");
    }

    [Fact]
    public void Apply_Reaping_TurnsItOffAndSetsTheInterval()
    {
        new FnPipelineOptions().ReapOrphans.ShouldBeTrue("on by default");
        var env = new Dictionary<string, string>
        {
            ["FNPIPELINE_REAP_ORPHANS"] = "false",
            ["FNPIPELINE_REAP_INTERVAL_MS"] = "15000",
        };

        var options = FnPipelineEnvironment.Apply(new FnPipelineOptions(), env.GetValueOrDefault);

        options.ReapOrphans.ShouldBeFalse();
        options.ReapInterval.ShouldBe(TimeSpan.FromSeconds(15));
    }
}
