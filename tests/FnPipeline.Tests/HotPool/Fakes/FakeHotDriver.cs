using System.Collections.Concurrent;
using FnPipeline.Tracking;
using FnPipeline.Driver;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline.Tests.HotPool.Fakes;

/// <summary>An engine for hot-pool logic: containers run <see cref="FakeFunction"/>s; every step is recorded.</summary>
internal sealed class FakeHotDriver : IContainerDriver
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentQueue<FakeHotContainer> _created = new();
    private int _alive;
    private int _maxAlive;

    /// <param name="time">The removal queue's clock.</param>
    /// <param name="logs">The removal queue's log.</param>
    public FakeHotDriver(TimeProvider? time = null, ILoggerFactory? logs = null) =>
        Tracker = new ContainerTracker(
            RemoveOnceAsync, ContainerTrackerSettings.Default(4), time ?? TimeProvider.System, (logs ?? NullLoggerFactory.Instance).CreateLogger("FnPipeline.Containers"));

    public ContainerTracker Tracker { get; }

    /// <summary>Makes a removal attempt fail with the exception, if set (the engine is away).</summary>
    public Func<FakeHotContainer, Exception?> RemovalFailure { get; set; } = _ => null;

    /// <summary>Decides how each new container behaves, by its spec.</summary>
    public Func<ContainerSpec, FakeFunction> Functions { get; set; } = _ => new FakeFunction();

    public Exception? ImageFailure { get; set; }

    /// <summary>Runs inside ensure-image ("image") and create ("create"), e.g. to advance a fake clock during the step.</summary>
    public Action<string>? DuringStep { get; set; }

    public int Alive => Volatile.Read(ref _alive);

    public int MaxAlive => Volatile.Read(ref _maxAlive);

    public int Created => _created.Count;

    public IReadOnlyList<FakeHotContainer> Containers => [.. _created];

    public IReadOnlyList<string> Events => [.. _events];

    public void Record(string e) => _events.Enqueue(e);

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task EnsureImageAsync(string image, RegistryCredentials? credentials, CancellationToken cancellationToken = default)
    {
        Record($"image {image}");
        DuringStep?.Invoke("image");
        return ImageFailure is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    public Task<IContainerHandle> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default)
    {
        DuringStep?.Invoke("create");
        var alive = Interlocked.Increment(ref _alive);
        int max;
        while ((max = Volatile.Read(ref _maxAlive)) < alive && Interlocked.CompareExchange(ref _maxAlive, alive, max) != max)
        {
        }

        var container = new FakeHotContainer(this, spec, Functions(spec));
        _created.Enqueue(container);
        Tracker.Track(container.Id, FunctionFormatNames.HttpStream);
        Record($"create {spec.Name}");
        return Task.FromResult<IContainerHandle>(container);
    }

    public async ValueTask DisposeAsync()
    {
        await Tracker.DrainAsync(TimeSpan.FromSeconds(5));
        Tracker.Dispose();
    }

    private Task RemoveOnceAsync(string containerId, CancellationToken cancellationToken)
    {
        var container = _created.Single(c => c.Id == containerId);
        return RemovalFailure(container) is { } failure ? Task.FromException(failure) : container.RemoveFromEngineAsync();
    }

    internal void OnRemoved(FakeHotContainer container)
    {
        Interlocked.Decrement(ref _alive);
        Record($"remove {container.Spec.Name}");
    }
}
