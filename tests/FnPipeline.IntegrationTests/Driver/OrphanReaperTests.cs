using Docker.DotNet.Models;
using FnPipeline.Docker;
using FnPipeline.HotPool;
using FnPipeline.IntegrationTests.Infrastructure;
using FnPipeline.Ownership;
using FnPipeline.Tracking;
using Microsoft.Extensions.Logging.Abstractions;
using static FnPipeline.IntegrationTests.Driver.DockerDriverTestKit;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>
/// Orphan reaping on the real engine: only a dead owner's containers and socket directories go. Other suites and
/// other engineers' runs share the engine: their executors are alive (locks held) or carry no owner labels, so the
/// passes here may remove only what dead owners left, never a live run's containers.
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class OrphanReaperTests(EngineFixture engine) : IAsyncLifetime
{
    private readonly string _base = Directory.CreateDirectory(Path.Join("/tmp", "fnpr-" + Guid.NewGuid().ToString("N")[..8])).FullName;
    private readonly List<string> _containers = [];

    [Fact]
    public async Task ReapOnce_RemovesWhatADeadOwnerLeft_AndNothingElse()
    {
        var dead = ExecutorOwner.Acquire(_base);
        var deadDirectory = SocketDirectory.Create(_base, dead);
        using var live = ExecutorOwner.Acquire(_base);
        var liveDirectory = SocketDirectory.Create(_base, live);

        var deadStopped = await CreateAsync(dead.Labels);
        var deadRunning = await CreateAsync(dead.Labels, start: true);
        var liveRunning = await CreateAsync(live.Labels, start: true);
        var unlabelled = await CreateAsync(new Dictionary<string, string> { [DockerLabels.Instance] = "older-version" }, start: true);
        var otherHost = await CreateAsync(new Dictionary<string, string>(dead.Labels) { [OwnerLabels.Host] = "another-host" });
        var gone = OwnerFiles.Create("fedcba9876543210", _base);
        var missingLock = await CreateAsync(new Dictionary<string, string>
        {
            [OwnerLabels.Owner] = gone.OwnerId,
            [OwnerLabels.Lock] = gone.LockPath,
            [OwnerLabels.Host] = dead.Host,
        });

        // Dies only now that everything it owns exists: reapers of other suites may judge it from here on too.
        dead.Release(deleteFiles: false);
        using var remover = NewRemover(4);
        var reaper = new OrphanReaper(engine.Client, remover, ExecutorOwner.CurrentHost, _base, NullLogger.Instance);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await reaper.ReapOnceAsync(timeout.Token);

        (await ContainerExistsAsync(engine.Client, deadStopped)).ShouldBeFalse("the dead owner's stopped container");
        (await ContainerExistsAsync(engine.Client, deadRunning)).ShouldBeFalse("the dead owner's running container");
        Directory.Exists(deadDirectory.Path).ShouldBeFalse("the dead owner's socket directory");
        File.Exists(dead.Files.LockPath).ShouldBeFalse("the dead owner's lock file, once its containers are gone");
        Directory.Exists(dead.Files.MarkerDirectory).ShouldBeFalse();

        (await ContainerExistsAsync(engine.Client, liveRunning)).ShouldBeTrue("a live owner holds its lock");
        Directory.Exists(liveDirectory.Path).ShouldBeTrue();
        File.Exists(live.Files.LockPath).ShouldBeTrue();
        (await ContainerExistsAsync(engine.Client, unlabelled)).ShouldBeTrue("no owner labels: never judged");
        (await ContainerExistsAsync(engine.Client, otherHost)).ShouldBeTrue("another host's container: never judged");
        (await ContainerExistsAsync(engine.Client, missingLock)).ShouldBeTrue("no lock file on this host: never judged");
        liveDirectory.Delete();
    }

    [Fact]
    public async Task Driver_LabelsItsContainersWithTheLockItHolds_AndDeletesTheLockWhenNothingIsLeft()
    {
        var driver = CreateDriver(engine, o => o.Hot.SocketBaseDirectory = _base);
        OwnerFiles files;
        await using (driver)
        {
            var owner = driver.Owner.ShouldNotBeNull();
            files = owner.Files;
            using var timeout = new CancellationTokenSource(RunTimeout);
            await using var handle = await driver.CreateContainerAsync(Spec(TestImages.Busybox, "true"), timeout.Token);

            var labels = (await InspectAsync(engine.Client, handle.Id)).Config!.Labels;
            labels[OwnerLabels.Owner].ShouldBe(files.OwnerId);
            labels[OwnerLabels.Lock].ShouldBe(Path.Join(_base, $"fnpipeline-owner-{files.OwnerId}.lock"));
            labels[OwnerLabels.Host].ShouldBe(Environment.MachineName);
            ExecutorOwner.TryClaim(files, out var claim).ShouldBe(OwnerState.Held);
            claim.ShouldBeNull();
        }

        File.Exists(files.LockPath).ShouldBeFalse("a clean stop leaves nothing for a reaper");
        Directory.Exists(files.MarkerDirectory).ShouldBeFalse();
    }

    [Fact]
    public async Task Driver_ReapsPeriodically_AnOwnerThatDiedAfterItStarted()
    {
        await using var driver = await StartDriverAsync(engine, o =>
        {
            o.Hot.SocketBaseDirectory = _base;
            o.ReapOrphans = true;
            o.ReapInterval = TimeSpan.FromMilliseconds(200);
        });
        var dead = ExecutorOwner.Acquire(_base);
        var directory = SocketDirectory.Create(_base, dead);
        var container = await CreateAsync(dead.Labels, start: true);

        // Alive: passes come and go and leave it alone.
        using var remover = NewRemover(1);
        await new OrphanReaper(engine.Client, remover, ExecutorOwner.CurrentHost, _base, NullLogger.Instance).ReapOnceAsync(CancellationToken.None);
        (await ContainerExistsAsync(engine.Client, container)).ShouldBeTrue();

        dead.Release(deleteFiles: false);

        await EventuallyAsync(async () => !await ContainerExistsAsync(engine.Client, container) && !Directory.Exists(directory.Path) && !File.Exists(dead.Files.LockPath),
            "the driver's periodic pass removed the dead owner's container, socket directory and lock file");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The executor's removal queue on the real engine, bounded to <paramref name="maxConcurrent"/>.</summary>
    private ContainerTracker NewRemover(int maxConcurrent) => new(
        (id, token) => ContainerRemover.RemoveOnceAsync(engine.Client, id, token),
        ContainerTrackerSettings.Default(maxConcurrent),
        TimeProvider.System,
        NullLogger.Instance);

    public async Task DisposeAsync()
    {
        using var remover = NewRemover(4);
        await Task.WhenAll(_containers.Select(id => remover.RemoveAsync(id)));
        Directory.Delete(_base, recursive: true);
    }

    // The kit's poll (Eventually) with this test's deadline.
    private static Task EventuallyAsync(Func<Task<bool>> condition, string what) =>
        Eventually.HoldsAsync(condition, TimeSpan.FromSeconds(30), what);

    private async Task<string> CreateAsync(IReadOnlyDictionary<string, string> ownerLabels, bool start = false)
    {
        var labels = TestLabels();
        labels[DockerLabels.Managed] = "true";
        foreach (var (key, value) in ownerLabels)
        {
            labels[key] = value;
        }

        var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = TestImages.Busybox,
            Cmd = start ? ["sleep", "120"] : ["true"],
            Labels = labels,
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        _containers.Add(created.ID);
        if (start)
        {
            await engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        }

        return created.ID;
    }
}
