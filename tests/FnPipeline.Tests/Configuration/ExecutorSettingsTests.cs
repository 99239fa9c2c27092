using FnPipeline.Driver;
using Microsoft.Extensions.Options;

namespace FnPipeline.Tests.Configuration;

/// <summary>Options resolved once into <see cref="ExecutorSettings"/>: defaults from the options alone, a copy, one instance id.</summary>
public sealed class ExecutorSettingsTests
{
    [Fact]
    public void Resolve_DefaultOptions_EveryPartCarriesTheOptionsDefaults()
    {
        var options = new FnPipelineOptions();

        var settings = ExecutorSettings.Resolve(options);

        // The driver and the hot pool once wrote these defaults out again; now they come from the options only.
        settings.Driver.ReapOrphans.ShouldBe(options.ReapOrphans);
        settings.Driver.ReapInterval.ShouldBe(options.ReapInterval);
        settings.Driver.MaxConcurrentRemovals.ShouldBe(options.MaxConcurrentRemovals);
        settings.Driver.RemovalDrainTimeout.ShouldBe(options.RemovalDrainTimeout);
        settings.Driver.HealthcheckPollInterval.ShouldBe(options.HealthcheckPollInterval);
        settings.Driver.PullTimeout.ShouldBe(options.PullTimeout);
        settings.Driver.PreForkImage.ShouldBe(options.PreForkPool.Image);
        settings.Driver.PreForkCommand.ShouldBe(options.PreForkPool.Command);
        settings.Driver.MinimumDockerVersion.ShouldBe(options.MinimumDockerVersion);
        settings.Driver.OwnerDirectory.ShouldBe(Path.GetFullPath(Path.GetTempPath()));
        settings.Hot.SocketBaseDirectory.ShouldBe(settings.Driver.OwnerDirectory);
        settings.Hot.StartTimeout.ShouldBe(options.Hot.StartTimeout);
        settings.Hot.CallStartTimeout.ShouldBe(options.StartTimeout);
        settings.Hot.MaxContainers.ShouldBe(options.Hot.MaxContainers);
        settings.Hot.MaxContainersPerFunction.ShouldBe(options.Hot.MaxContainersPerFunction);
        settings.Hot.MaxConcurrentStarts.ShouldBe(Math.Max(2, Environment.ProcessorCount), "the default: the processor count, at least 2");
        settings.Hot.MaxResponseHeaderBytes.ShouldBe(options.Hot.MaxResponseHeaderBytes);
        settings.Hot.MaxStderrBytes.ShouldBe(options.MaxStderrBytes);
        settings.Hot.DrainTimeout.ShouldBe(options.DrainTimeout);
        settings.Cold.MaxContainers.ShouldBe(options.MaxContainers);
        settings.Cold.MaxQueuedCalls.ShouldBe(options.MaxQueuedCalls);
        settings.Cold.StartTimeout.ShouldBe(options.StartTimeout);
        settings.Cold.StartParallelism.ShouldBe(options.Stages.StartParallelism);
        settings.Calls.ShouldBe(new CallDefaults
        {
            MemoryMB = options.DefaultMemoryMB,
            Timeout = options.DefaultTimeout,
            MaxOutputBytes = options.MaxOutputBytes,
            MaxStderrBytes = options.MaxStderrBytes,
            ReadOnlyRootFs = options.ReadOnlyRootFs,
            Init = options.EnableInit,
            IdleTimeout = options.Hot.IdleTimeout,
        });
        settings.DrainTimeout.ShouldBe(options.DrainTimeout);
    }

    [Fact]
    public void Resolve_ChangedOptions_ReachEveryPart()
    {
        var options = new FnPipelineOptions
        {
            MaxContainers = 3,
            MaxQueuedCalls = 7,
            StartTimeout = TimeSpan.FromSeconds(9),
            DefaultTimeout = TimeSpan.FromSeconds(11),
            DefaultMemoryMB = 64,
            MaxOutputBytes = 1000,
            MaxStderrBytes = 2000,
            ReadOnlyRootFs = false,
            EnableInit = false,
            MaxConcurrentRemovals = 2,
            PullTimeout = TimeSpan.FromSeconds(13),
            MaxTmpFsInodes = 100,
            PidsLimit = 50,
        };
        options.Stages.CreateParallelism = 2;
        options.Hot.IdleTimeout = TimeSpan.FromSeconds(17);
        options.Hot.StartTimeout = TimeSpan.FromSeconds(4);
        options.Networks.Add("n1");

        var settings = ExecutorSettings.Resolve(options);

        settings.Cold.ShouldBe(settings.Cold with { MaxContainers = 3, MaxQueuedCalls = 7, StartTimeout = TimeSpan.FromSeconds(9), CreateParallelism = 2 });
        settings.Calls.ShouldBe(new CallDefaults
        {
            MemoryMB = 64,
            Timeout = TimeSpan.FromSeconds(11),
            MaxOutputBytes = 1000,
            MaxStderrBytes = 2000,
            ReadOnlyRootFs = false,
            Init = false,
            IdleTimeout = TimeSpan.FromSeconds(17),
        });
        settings.Hot.StartTimeout.ShouldBe(TimeSpan.FromSeconds(4));
        settings.Hot.CallStartTimeout.ShouldBe(TimeSpan.FromSeconds(9));
        settings.Driver.MaxConcurrentRemovals.ShouldBe(2);
        settings.Driver.PullTimeout.ShouldBe(TimeSpan.FromSeconds(13));
        settings.Driver.Networks.ShouldBe(["n1"]);
        (settings.MaxTmpFsInodes, settings.PidsLimit).ShouldBe((100L, 50L));
    }

    [Fact]
    public void Resolve_OptionsEditedAfterwards_TheSettingsKeepTheirCopy()
    {
        var options = new FnPipelineOptions { DefaultMemoryMB = 64, MaxContainers = 3 };
        options.Networks.Add("n1");
        options.Hot.IdleTimeout = TimeSpan.FromSeconds(17);
        var settings = ExecutorSettings.Resolve(options);

        options.DefaultMemoryMB = 512;
        options.MaxContainers = 30;
        options.Networks.Add("n2");
        options.Hot.IdleTimeout = TimeSpan.FromSeconds(99);
        options.InstanceId = "later";

        settings.Calls.MemoryMB.ShouldBe(64);
        settings.Cold.MaxContainers.ShouldBe(3);
        settings.Driver.Networks.ShouldBe(["n1"]);
        settings.Calls.IdleTimeout.ShouldBe(TimeSpan.FromSeconds(17));
        settings.InstanceId.ShouldNotBe("later");
    }

    [Fact]
    public void Resolve_EnvironmentOverrides_PassThroughToTheParts()
    {
        var environment = new Dictionary<string, string>
        {
            ["FNPIPELINE_DEFAULT_MEMORY_MB"] = "256",
            ["FNPIPELINE_HOT_IDLE_TIMEOUT_MS"] = "4000",
            ["FNPIPELINE_HOT_START_TIMEOUT_MS"] = "2500",
            ["FNPIPELINE_MAX_CONCURRENT_REMOVALS"] = "3",
            ["FNPIPELINE_INSTANCE_ID"] = " env-id ",
        };
        var options = FnPipelineEnvironment.Apply(new FnPipelineOptions(), environment.GetValueOrDefault);

        var settings = ExecutorSettings.Resolve(options);

        settings.Calls.MemoryMB.ShouldBe(256);
        settings.Calls.IdleTimeout.ShouldBe(TimeSpan.FromSeconds(4));
        settings.Hot.StartTimeout.ShouldBe(TimeSpan.FromMilliseconds(2500));
        settings.Driver.MaxConcurrentRemovals.ShouldBe(3);
        settings.InstanceId.ShouldBe("env-id");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Resolve_BlankInstanceId_OneRandomIdForTheExecutorAndTheDriver(string? configured)
    {
        var settings = ExecutorSettings.Resolve(new FnPipelineOptions { InstanceId = configured });
        var other = ExecutorSettings.Resolve(new FnPipelineOptions { InstanceId = configured });

        settings.InstanceId.ShouldMatch("^[0-9a-f]{12}$");
        settings.Driver.InstanceId.ShouldBe(settings.InstanceId);
        other.InstanceId.ShouldNotBe(settings.InstanceId);
    }

    [Fact]
    public void Resolve_InstanceIdWithSpaces_IsTrimmedOnce()
    {
        var settings = ExecutorSettings.Resolve(new FnPipelineOptions { InstanceId = "  exec-7 " });

        settings.InstanceId.ShouldBe("exec-7");
        settings.Driver.InstanceId.ShouldBe("exec-7");
    }

    [Fact]
    public void Resolve_InvalidOptions_ThrowsNamingEveryProblem()
    {
        var ex = Should.Throw<OptionsValidationException>(() => ExecutorSettings.Resolve(new FnPipelineOptions { MaxContainers = 0, DefaultTimeout = TimeSpan.Zero }));

        ex.Failures.ShouldBe(["The field MaxContainers must be between 1 and 10000.", "DefaultTimeout must be positive, got 00:00:00"]);
    }

    [Fact]
    public void Resolve_SpecAndDriverLabels_CarryTheOneInstanceId()
    {
        var settings = ExecutorSettings.Resolve(new FnPipelineOptions { InstanceId = " " });
        var call = settings.Calls.Resolve(new FunctionCall { Image = "fn/a:1" }, "c1");

        var spec = new ContainerSpecFactory(settings).ForColdCall(call);
        var parameters = FnPipeline.Docker.CreateParametersBuilder.Build(spec, settings.Driver, networkMode: "none");

        spec.Labels[ContainerSpecFactory.InstanceLabel].ShouldBe(settings.InstanceId);
        parameters.Labels[ContainerSpecFactory.InstanceLabel].ShouldBe(settings.InstanceId);
        spec.Name.ShouldBe($"fnpipeline-{settings.InstanceId}-c1");
    }
}
