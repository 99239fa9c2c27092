using FnPipeline.Docker;
using FnPipeline.Driver;
using FnPipeline.IntegrationTests.Infrastructure;
using FnPipeline.Tracking;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline.IntegrationTests.Hot;

/// <summary>
/// Hot launches go through the container lifecycle's stage bounds, which the executor shares with the cold lane: a
/// burst of new functions never has more creates or starts at the engine than <see cref="StageOptions"/> allows.
/// Counted by a wrapper around the real driver, on the real engine. The launch slots are opened to the whole burst, so
/// a launch that skipped the stage gates would show up as more creates or starts in flight than the bound.
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class HotStartBoundTests(EngineFixture engine)
{
    private const int Functions = 20;
    private const int CreateBound = 3;
    private const int StartBound = 2;

    [Fact]
    public async Task BurstOfTwentyNewFunctions_NeverExceedsTheCreateAndStartBounds()
    {
        var baseDirectory = Path.Join("/tmp", "fnpb-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(baseDirectory);
        var options = new FnPipelineOptions
        {
            DockerEndpoint = engine.Endpoint.ToString(),
            InstanceId = "hb" + Guid.NewGuid().ToString("N")[..10],
            ReapOrphans = false,
            DrainTimeout = TimeSpan.FromSeconds(20),
        };
        options.Stages.CreateParallelism = CreateBound;
        options.Stages.StartParallelism = StartBound;
        // The hot lane's own launch slots (default: the processor count) must not hide the stage bounds: with twenty
        // slots, only the lifecycle's create and start gates stand between the burst and the engine.
        options.Hot.MaxConcurrentStarts = Functions;
        // Twenty functions booting together on a loaded CI machine: generous bounds, the test is about the gates.
        options.Hot.StartTimeout = TimeSpan.FromSeconds(60);
        options.StartTimeout = TimeSpan.FromSeconds(120);
        options.Hot.SocketBaseDirectory = baseDirectory;
        var settings = ExecutorSettings.Resolve(options);
        var driver = new CountingDriver(new DockerContainerDriver(settings.Driver, NullLoggerFactory.Instance, TimeProvider.System, client: null));
        var executor = new FnExecutor(settings, driver, hotFactory: null, loggerFactory: null, timeProvider: null);
        try
        {
            // Twenty functions (their environment differs): twenty launches at once, each its own container.
            var calls = Enumerable.Range(0, Functions).Select(i => executor.InvokeAsync(
                HotExecutorKit.Call(TestImages.TestFunction, $"burst {i}") with
                {
                    Environment = new Dictionary<string, string> { ["BURST_FUNCTION"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                })).ToList();
            var results = await Task.WhenAll(calls);

            foreach (var result in results)
            {
                using (result)
                {
                    result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
                    result.Timings.SocketWait.ShouldBeGreaterThan(TimeSpan.Zero, result.ToString());
                }
            }

            driver.Creates.Total.ShouldBe(Functions);
            driver.Starts.Total.ShouldBe(Functions);
            driver.Creates.MaxInFlight.ShouldBeLessThanOrEqualTo(CreateBound);
            driver.Starts.MaxInFlight.ShouldBeLessThanOrEqualTo(StartBound);
        }
        finally
        {
            await executor.DisposeAsync();
            await HotExecutorKit.EventuallyAsync(
                async () => (await Containers.ListByLabelAsync(engine.Client, $"fnpipeline.instance={executor.InstanceId}")).Count == 0,
                $"no container of executor {executor.InstanceId} remains");
            Directory.GetDirectories(baseDirectory, "iofs-*").ShouldBeEmpty("socket directories remain");
            Directory.Delete(baseDirectory, recursive: true);
        }
    }

    /// <summary>Engine requests of one kind in flight now, the most seen at once, and how many were made.</summary>
    private sealed class InFlightCounter
    {
        private int _now;
        private int _max;
        private int _total;

        public int MaxInFlight => Volatile.Read(ref _max);

        public int Total => Volatile.Read(ref _total);

        public async Task<T> CountAsync<T>(Func<Task<T>> request)
        {
            Interlocked.Increment(ref _total);
            var now = Interlocked.Increment(ref _now);
            int max;
            while ((max = Volatile.Read(ref _max)) < now && Interlocked.CompareExchange(ref _max, now, max) != max)
            {
            }

            try
            {
                return await request();
            }
            finally
            {
                Interlocked.Decrement(ref _now);
            }
        }
    }

    /// <summary>The real driver, counting its creates and its handles' starts.</summary>
    private sealed class CountingDriver(IContainerDriver inner) : IContainerDriver
    {
        public InFlightCounter Creates { get; } = new();

        public InFlightCounter Starts { get; } = new();

        public ContainerTracker Tracker => inner.Tracker;

        public Ownership.ExecutorOwner? Owner => inner.Owner;

        public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

        public Task EnsureImageAsync(string image, RegistryCredentials? credentials, CancellationToken cancellationToken = default) =>
            inner.EnsureImageAsync(image, credentials, cancellationToken);

        public async Task<IContainerHandle> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default) =>
            new CountingHandle(await Creates.CountAsync(() => inner.CreateContainerAsync(spec, cancellationToken)), Starts);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class CountingHandle(IContainerHandle inner, InFlightCounter starts) : IContainerHandle
    {
        public string Id => inner.Id;

        public Task<IRunningContainer> AttachAndStartAsync(ContainerIo io, CancellationToken cancellationToken = default) =>
            starts.CountAsync(() => inner.AttachAndStartAsync(io, cancellationToken));

        public Task KillAsync(CancellationToken cancellationToken = default) => inner.KillAsync(cancellationToken);

        public Task PauseAsync(CancellationToken cancellationToken = default) => inner.PauseAsync(cancellationToken);

        public Task UnpauseAsync(CancellationToken cancellationToken = default) => inner.UnpauseAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
