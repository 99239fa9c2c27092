using System.Collections.Concurrent;
using FnPipeline.Buffers;
using FnPipeline.Tracking;
using FnPipeline.Driver;
using FnPipeline.HotPool;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline.LoadTests.Targets;

/// <summary>
/// <c>--driver fake</c>: an in-memory engine so the runner itself can be exercised without Docker. Cold containers take
/// about a tenth of a real engine's times (create 2 ms, start 25 ms, run 4 ms, remove 1 ms, ±20 %) and echo their
/// input; hot calls take about 1 ms, and the first call of a function pays a 25 ms start.
/// </summary>
internal static class FakeEngine
{
    public static FnExecutor CreateExecutor(FnPipelineOptions options) =>
        new(options, new FakeDriver(), (specs, metrics) => new FakeHotDispatcher(), loggerFactory: null, timeProvider: null);

    public const double CreateMs = 2;
    public const double StartMs = 25;
    public const double RunMs = 4;
    public const double RemoveMs = 1;
    public const double HotCallMs = 1;
    public const double HotStartMs = 25;

    public static Task DelayAsync(double milliseconds, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(milliseconds * (0.8 + (0.4 * Random.Shared.NextDouble()))), cancellationToken);

    private sealed class FakeDriver : IContainerDriver
    {
        /// <summary>Removal is the handle's own delay; the queue only counts (the containers gauge).</summary>
        public ContainerTracker Tracker { get; } =
            new((_, _) => Task.CompletedTask, ContainerTrackerSettings.Default(8), TimeProvider.System, NullLogger.Instance);

        public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task EnsureImageAsync(string image, RegistryCredentials? credentials, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public async Task<IContainerHandle> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default)
        {
            await DelayAsync(CreateMs, cancellationToken);
            var container = new FakeContainer(Tracker);
            Tracker.Track(container.Id, FunctionFormatNames.Default);
            return container;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class FakeContainer(ContainerTracker containers) : IContainerHandle, IRunningContainer
    {
        private readonly CancellationTokenSource _killed = new();
        private ContainerIo? _io;

        public string Id { get; } = Guid.NewGuid().ToString("N");

        public IReadOnlyList<ContainerStatsSample> Stats => [];

        public async Task<IRunningContainer> AttachAndStartAsync(ContainerIo io, CancellationToken cancellationToken = default)
        {
            _io = io;
            await DelayAsync(StartMs, cancellationToken);
            io.Started?.Invoke();
            return this;
        }

        public async Task<ContainerExit> WaitAsync(CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _killed.Token);
            try
            {
                await DelayAsync(RunMs, linked.Token);
            }
            catch (OperationCanceledException) when (_killed.IsCancellationRequested)
            {
                return new ContainerExit(137, OomKilled: false);
            }

            _io!.Stdout.Write(_io.Input is { } input ? input.Bytes.Span : default);
            return new ContainerExit(0, OomKilled: false);
        }

        public Task KillAsync(CancellationToken cancellationToken = default) => _killed.CancelAsync();

        public Task PauseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task UnpauseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            await DelayAsync(RemoveMs, CancellationToken.None);
            await containers.RemoveAsync(Id);
            _killed.Dispose();
        }
    }

    private sealed class FakeHotDispatcher : IHotCallDispatcher
    {
        private readonly ConcurrentDictionary<string, Lazy<Task>> _started = new(StringComparer.Ordinal);

        public async Task<InvocationResult> InvokeAsync(ResolvedCall resolved, CancellationToken cancellationToken = default)
        {
            var (call, callId) = (resolved.Call, resolved.CallId);
            var key = call.Image + "|" + string.Join(',', call.Environment.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
            await _started.GetOrAdd(key, _ => new Lazy<Task>(() => DelayAsync(HotStartMs, CancellationToken.None))).Value.WaitAsync(cancellationToken);
            await DelayAsync(HotCallMs, cancellationToken);
            var output = new PooledOutputBuffer(Math.Max(1, call.Input.Bytes.Length));
            output.TryAppend(call.Input.Bytes.Span);
            return new InvocationResult(callId, InvocationStatus.Success, error: null, output, new StageTimings());
        }

        public ValueTask DisposeAsync(TimeSpan drainTimeout) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
