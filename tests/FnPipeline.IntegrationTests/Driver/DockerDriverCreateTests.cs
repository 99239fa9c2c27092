using FnPipeline.Docker;
using FnPipeline.Driver;
using FnPipeline.IntegrationTests.Infrastructure;
using static FnPipeline.IntegrationTests.Driver.DockerDriverTestKit;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>What CreateContainerAsync asks of the engine, read back through inspect, and how refusals map.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class DockerDriverCreateTests(EngineFixture engine) : IAsyncLifetime
{
    private DockerContainerDriver _driver = null!;

    public async Task InitializeAsync() => _driver = await StartDriverAsync(engine);

    public async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        (await Containers.ListByLabelAsync(engine.Client, $"fnpipeline.instance={_driver.InstanceId}")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Labels_CarryTheExecutorLabels_OverTheSpecs()
    {
        var labels = TestLabels();
        labels["fnpipeline.instance"] = "someone-else";
        labels["app"] = "demo";
        await using var handle = await _driver.CreateContainerAsync(Spec(TestImages.Busybox, "true") with { Labels = labels });

        var actual = (await InspectAsync(engine.Client, handle.Id)).Config!.Labels!;

        actual["fnpipeline.managed"].ShouldBe("true");
        actual["fnpipeline.instance"].ShouldBe(_driver.InstanceId);
        actual["app"].ShouldBe("demo");
        actual[TestRun.RunLabelKey].ShouldBe(TestRun.Id);
    }

    [Fact]
    public async Task Limits_AreAppliedAsFnDoes()
    {
        var spec = Spec(TestImages.Busybox, "true") with
        {
            Resources = new ContainerResources { MemoryBytes = 32 * 1024 * 1024, MilliCpus = 1500, PidsLimit = 20 },
            Init = true,
        };
        await using var handle = await _driver.CreateContainerAsync(spec);

        var host = (await InspectAsync(engine.Client, handle.Id)).HostConfig!;

        host.Memory.ShouldBe(32 * 1024 * 1024);
        host.MemorySwap.ShouldBe(32 * 1024 * 1024);
        host.MemorySwappiness.ShouldBe(0);
        host.CPUQuota.ShouldBe(150_000);
        host.CPUPeriod.ShouldBe(100_000);
        host.PidsLimit.ShouldBe(20);
        host.Init.ShouldBe(true);
        host.LogConfig!.Type.ShouldBe("none");
    }

    [Fact]
    public async Task Ulimits_ReachTheFunctionsProcess()
    {
        await using var driver = CreateDriver(engine, o =>
        {
            o.Ulimits.OpenFiles = 321;
            o.Ulimits.LockedMemoryBytes = 65536;
            o.Ulimits.PendingSignals = 77;
            o.Ulimits.MessageQueueBytes = 4096;
        });
        var stdout = new CollectingSink();
        var spec = Spec(TestImages.Busybox, "sh", "-c", "grep -E 'open files|locked memory|pending signals|msgqueue' /proc/self/limits");

        var (exit, _) = await RunAsync(driver, spec, Io(null, stdout));

        exit.ExitCode.ShouldBe(0);
        // Soft and hard limits, as /proc prints them.
        var limits = stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .ToList();
        limits.ShouldBe(
        [
            "Max locked memory 65536 65536 bytes",
            "Max open files 321 321 files",
            "Max pending signals 77 77 signals",
            "Max msgqueue size 4096 4096 bytes",
        ], ignoreOrder: true, stdout.Text);
    }

    [Fact]
    public async Task Unprivileged_RunsAsUser1000_WithoutCapabilities_OrNewPrivileges()
    {
        await using var driver = CreateDriver(engine, o => o.Unprivileged = true);
        var stdout = new CollectingSink();
        var spec = Spec(TestImages.Busybox, "sh", "-c", "id -u; id -g; grep -E '^(CapEff|NoNewPrivs):' /proc/self/status; touch /tmp/x && echo tmp-writable")
            with { ReadOnlyRootFs = true };

        var (exit, _) = await RunAsync(driver, spec, Io(null, stdout));

        exit.ExitCode.ShouldBe(0);
        stdout.Text.Replace("\t", " ", StringComparison.Ordinal)
            .ShouldBe("1000\n1000\nCapEff: 0000000000000000\nNoNewPrivs: 1\ntmp-writable\n");
    }

    [Fact]
    public async Task Privileged_ByDefault_RunsAsTheImagesUser()
    {
        var stdout = new CollectingSink();

        var (exit, _) = await RunAsync(_driver, Spec(TestImages.Busybox, "sh", "-c", "id -u; grep -E '^NoNewPrivs:' /proc/self/status"), Io(null, stdout));

        exit.ExitCode.ShouldBe(0);
        stdout.Text.Replace("\t", " ", StringComparison.Ordinal).ShouldBe("0\nNoNewPrivs: 0\n");
    }

    [Fact]
    public async Task Network_DefaultsToNone_AndTheHostnameIsSet()
    {
        await using var handle = await _driver.CreateContainerAsync(Spec(TestImages.Busybox, "true") with { Hostname = "fn-host" });

        var inspect = await InspectAsync(engine.Client, handle.Id);

        inspect.HostConfig!.NetworkMode.ShouldBe("none");
        inspect.Config!.Hostname.ShouldBe("fn-host");
    }

    [Fact]
    public async Task ConfiguredNetworks_AreSpreadLeastUsedFirst_AndGivenBackOnDispose()
    {
        await using var driver = CreateDriver(engine, o => { o.Networks.Add("none"); o.Networks.Add("bridge"); });
        var first = (DockerContainerHandle)await driver.CreateContainerAsync(Spec(TestImages.Busybox, "true"));
        var second = (DockerContainerHandle)await driver.CreateContainerAsync(Spec(TestImages.Busybox, "true"));
        await first.DisposeAsync();
        await using var third = (DockerContainerHandle)await driver.CreateContainerAsync(Spec(TestImages.Busybox, "true"));
        await second.DisposeAsync();

        (first.NetworkMode, second.NetworkMode, third.NetworkMode).ShouldBe(("none", "bridge", "none"));
        (await InspectAsync(engine.Client, third.Id)).HostConfig!.NetworkMode.ShouldBe("none");
    }

    [Fact]
    public async Task ReadOnlyRoot_RefusesWritesToRoot_ButTmpIsWritable()
    {
        var stdout = new CollectingSink();
        var spec = Spec(TestImages.Busybox, "sh", "-c", "touch /x 2>/dev/null && echo root-writable || echo root-read-only; touch /tmp/y && echo tmp-writable")
            with { ReadOnlyRootFs = true };

        var (exit, _) = await RunAsync(_driver, spec, Io(null, stdout));

        exit.ExitCode.ShouldBe(0);
        stdout.Text.ShouldBe("root-read-only\ntmp-writable\n");
    }

    [Fact]
    public async Task TmpFsSize_MountsASizedTmpWithTheInodeCap()
    {
        var stdout = new CollectingSink();
        var spec = Spec(TestImages.Busybox, "sh", "-c", "grep ' /tmp ' /proc/mounts")
            with { ReadOnlyRootFs = true, Resources = new ContainerResources { TmpFsMB = 4, TmpFsInodes = 100 } };

        var (exit, id) = await RunAsync(_driver, spec, Io(null, stdout));

        exit.ExitCode.ShouldBe(0);
        stdout.Text.ShouldContain("tmpfs /tmp tmpfs");
        stdout.Text.ShouldContain("size=4096k");
        stdout.Text.ShouldContain("nr_inodes=100");
    }

    [Fact]
    public async Task Volumes_AreBoundReadOnlyWhenAsked()
    {
        var directory = Directory.CreateTempSubdirectory("fnpl-it-vol-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "in.txt"), "from host");
            var stdout = new CollectingSink();
            var spec = Spec(TestImages.Busybox, "sh", "-c", "cat /data/in.txt; touch /data/new 2>/dev/null || echo ' read-only'")
                with { Volumes = [new VolumeMount(directory.FullName, "/data", ReadOnly: true)] };

            var (exit, _) = await RunAsync(_driver, spec, Io(null, stdout));

            exit.ExitCode.ShouldBe(0);
            stdout.Text.ShouldBe("from host read-only\n");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task FilesystemSize_OnThisEngine_IsAClearUnsupportedOptionError()
    {
        var spec = Spec(TestImages.Busybox, "true") with { Resources = new ContainerResources { FsSizeMB = 10 } };

        var error = await Should.ThrowAsync<FnCallException>(() => _driver.CreateContainerAsync(spec));

        error.Error.Kind.ShouldBe(FnErrorKind.UnsupportedOption);
        error.Error.StatusCode.ShouldBe(400);
        error.Error.Message.ShouldBe(
            "filesystem size (FsSizeMB=10) is not supported by this engine: --storage-opt is supported only for overlay over xfs with 'pquota' mount option");
        (await Containers.ListByLabelAsync(engine.Client, $"fnpipeline.instance={_driver.InstanceId}")).ShouldBeEmpty();
    }

    [Fact]
    public async Task MissingImageAtCreate_IsTooBusy()
    {
        var error = await Should.ThrowAsync<FnCallException>(() => _driver.CreateContainerAsync(Spec("fnpipeline/absent-image:latest", "true")));

        error.Error.Kind.ShouldBe(FnErrorKind.TooBusy);
        error.Error.StatusCode.ShouldBe(503);
        error.Error.Message.ShouldContain("fnpipeline/absent-image:latest");
    }

    [Fact]
    public async Task Dispose_RemovesTheContainer_AndIsIdempotent()
    {
        var handle = await _driver.CreateContainerAsync(Spec(TestImages.Busybox, "sleep", "60"));
        await handle.AttachAndStartAsync(Io(null));

        await handle.DisposeAsync();
        await handle.DisposeAsync();

        (await ContainerExistsAsync(engine.Client, handle.Id)).ShouldBeFalse();
    }

    [Fact]
    public async Task Dispose_OfContainerRemovedBehindItsBack_DoesNotThrow()
    {
        var handle = await _driver.CreateContainerAsync(Spec(TestImages.Busybox, "true"));
        await engine.Client.Containers.RemoveContainerAsync(handle.Id, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });

        await Should.NotThrowAsync(async () => await handle.DisposeAsync());
    }

    [Fact]
    public async Task Tracker_CountsEveryCreatedContainer_UntilTheEngineConfirmsItGone()
    {
        await using var driver = CreateDriver(engine);
        var first = await driver.CreateContainerAsync(Spec(TestImages.Busybox, "true"));
        var second = await driver.CreateContainerAsync(Spec(TestImages.Busybox, "true"));

        driver.Tracker.TrackedIds.ShouldBe([first.Id, second.Id], ignoreOrder: true);

        // Removed behind its back: the engine's "no such container" confirms it gone as well.
        await engine.Client.Containers.RemoveContainerAsync(second.Id, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
        await first.DisposeAsync();
        await second.DisposeAsync();

        driver.Tracker.Count.ShouldBe(0);
        (await driver.Tracker.WhenGoneAsync(first.Id)).ShouldBeTrue();
        (await ContainerExistsAsync(engine.Client, first.Id)).ShouldBeFalse();
    }

    [Fact]
    public async Task Removals_RunAtMostMaxConcurrentRemovalsAtOnce()
    {
        await using var driver = CreateDriver(engine, o => o.MaxConcurrentRemovals = 2);
        var handles = new List<IContainerHandle>();
        for (var i = 0; i < 8; i++)
        {
            handles.Add(await driver.CreateContainerAsync(Spec(TestImages.Busybox, "true")));
        }

        var maxSeen = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                maxSeen = Math.Max(maxSeen, driver.Tracker.RemovalsInProgress);
                await Task.Yield();
            }
        });
        await Task.WhenAll(handles.Select(h => h.DisposeAsync().AsTask()));
        await stop.CancelAsync();
        await sampler;

        maxSeen.ShouldBeInRange(1, 2);
        foreach (var handle in handles)
        {
            (await ContainerExistsAsync(engine.Client, handle.Id)).ShouldBeFalse();
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AttachAndStart_WaitsForTheImagesHealthcheckToPass(bool ensuredFirst)
    {
        var image = await DerivedImage.WithHealthcheckAsync(engine.Client);
        try
        {
            if (ensuredFirst)
            {
                // The driver then knows the image declares a healthcheck (unknown images are polled anyway).
                await _driver.EnsureImageAsync(image, credentials: null);
            }

            var spec = Spec(image, "sh", "-c", "sleep 1; touch /tmp/ready; sleep 30");
            await using var handle = await _driver.CreateContainerAsync(spec);
            var started = DateTime.UtcNow;

            await handle.AttachAndStartAsync(Io(null), new CancellationTokenSource(RunTimeout).Token);

            (DateTime.UtcNow - started).ShouldBeGreaterThan(TimeSpan.FromSeconds(0.9));
            (await InspectAsync(engine.Client, handle.Id)).State!.Health!.Status.ShouldBe("healthy");
        }
        finally
        {
            await Images.RemoveIfPresentAsync(engine.Client, image);
        }
    }
}
