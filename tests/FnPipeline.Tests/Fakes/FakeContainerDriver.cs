using System.Collections.Concurrent;
using System.Text;
using FnPipeline.Tracking;
using FnPipeline.Driver;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline.Tests.Fakes;

/// <summary>
/// An in-memory engine for pipeline logic: containers "run" by echoing stdin (or what <see cref="Behavior"/> says),
/// and every step is recorded so tests can assert counts, concurrency and ordering.
/// </summary>
internal sealed class FakeContainerDriver : IContainerDriver
{
    private readonly ConcurrentDictionary<string, FakeContainer> _containers = new();
    private readonly ConcurrentQueue<string> _events = new();
    private int _alive;
    private int _maxAlive;
    private int _created;
    private int _removed;
    private int _removalAttempts;

    /// <param name="time">The removal queue's clock (its retry back-off and drain bound).</param>
    /// <param name="logger">The removal queue's log.</param>
    public FakeContainerDriver(TimeProvider? time = null, ILogger? logger = null) =>
        Tracker = new ContainerTracker(RemoveOnceAsync, ContainerTrackerSettings.Default(4), time ?? TimeProvider.System, logger ?? NullLogger.Instance);

    public ContainerTracker Tracker { get; }

    /// <summary>Makes a removal attempt of the container fail with the exception, if set (the engine is away).</summary>
    public Func<string, Exception?> RemovalFailure { get; set; } = _ => null;

    /// <summary>How long disposal waits for the removal queue to empty.</summary>
    public TimeSpan RemovalDrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public int RemovalAttempts => Volatile.Read(ref _removalAttempts);

    /// <summary>Decides how a container behaves, by its spec.</summary>
    public Func<ContainerSpec, FakeBehavior> Behavior { get; set; } = _ => new FakeBehavior();

    /// <summary>Thrown by EnsureImageAsync for the image, if set.</summary>
    public Func<string, Exception?> ImageFailure { get; set; } = _ => null;

    /// <summary>Gate the run stage waits on (released by tests) when set.</summary>
    public TaskCompletionSource? RunGate { get; set; }

    /// <summary>Gate the engine's start waits on (a slow start) when set; cancellable like a real start.</summary>
    public TaskCompletionSource? StartGate { get; set; }

    /// <summary>Gate a kill waits on (an engine slow to kill) when set; the kill ignores its token, as the pipeline's does.</summary>
    public TaskCompletionSource? KillGate { get; set; }

    /// <summary>Starts begun (the fake entered the engine's start), counted before any <see cref="StartGate"/> wait.</summary>
    public int StartsBegun => Volatile.Read(ref _startsBegun);

    /// <summary>Kills begun, counted before any <see cref="KillGate"/> wait.</summary>
    public int KillsBegun => Volatile.Read(ref _killsBegun);

    internal int _startsBegun;

    internal int _killsBegun;

    public int Alive => Volatile.Read(ref _alive);

    public int MaxAlive => Volatile.Read(ref _maxAlive);

    public int Created => Volatile.Read(ref _created);

    public int Removed => Volatile.Read(ref _removed);

    public int Killed;

    public IReadOnlyCollection<string> Events => _events;

    public void Record(string e) => _events.Enqueue(e);

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task EnsureImageAsync(string image, RegistryCredentials? credentials, CancellationToken cancellationToken = default)
    {
        Record($"image {image}");
        return ImageFailure(image) is { } ex ? Task.FromException(ex) : Task.CompletedTask;
    }

    public Task<IContainerHandle> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default)
    {
        var alive = Interlocked.Increment(ref _alive);
        Interlocked.Increment(ref _created);
        InterlockedMax(ref _maxAlive, alive);
        var container = new FakeContainer(this, spec, Behavior(spec));
        _containers[container.Id] = container;
        Tracker.Track(container.Id, spec.Labels.GetValueOrDefault(ContainerSpecFactory.FormatLabel, ContainerKinds.Unknown));
        Record($"create {spec.Name}");
        return Task.FromResult<IContainerHandle>(container);
    }

    public async ValueTask DisposeAsync()
    {
        await Tracker.DrainAsync(RemovalDrainTimeout);
        Tracker.Dispose();
    }

    private Task RemoveOnceAsync(string containerId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _removalAttempts);
        if (RemovalFailure(containerId) is { } failure)
        {
            return Task.FromException(failure);
        }

        OnRemoved(containerId);
        return Task.CompletedTask;
    }

    private void OnRemoved(string containerId)
    {
        if (_containers.TryRemove(containerId, out var container))
        {
            Interlocked.Decrement(ref _alive);
            Record($"remove {container.Spec.Name}");

            // Last, so a test that saw the count also sees the event; cleanup runs on several workers, so no plain ++.
            Interlocked.Increment(ref _removed);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

/// <summary>What a fake container does when it runs.</summary>
internal sealed record FakeBehavior
{
    public TimeSpan RunTime { get; init; }

    public long ExitCode { get; init; }

    public bool OomKilled { get; init; }

    /// <summary>Output written instead of echoing the input.</summary>
    public byte[]? Output { get; init; }

    public string Stderr { get; init; } = "";

    public Exception? StartFailure { get; init; }
}

internal sealed class FakeContainer(FakeContainerDriver driver, ContainerSpec spec, FakeBehavior behavior) : IContainerHandle, IRunningContainer
{
    private readonly TaskCompletionSource _killed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ContainerIo? _io;
    private int _disposed;

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public ContainerSpec Spec => spec;

    public IReadOnlyList<ContainerStatsSample> Stats { get; } = [];

    public async Task<IRunningContainer> AttachAndStartAsync(ContainerIo io, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref driver._startsBegun);
        if (driver.StartGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (behavior.StartFailure is { } failure)
        {
            throw failure;
        }

        _io = io;

        // The engine's start returned: reported before the event, so a test that saw "start" finds the timeout armed.
        io.Started?.Invoke();
        driver.Record($"start {spec.Name}");
        return this;
    }

    public async Task<ContainerExit> WaitAsync(CancellationToken cancellationToken = default)
    {
        if (driver.RunGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (behavior.RunTime > TimeSpan.Zero)
        {
            await Task.WhenAny(Task.Delay(behavior.RunTime, cancellationToken), _killed.Task).Unwrap();
        }

        var output = behavior.Output ?? (_io!.Input is { } input ? input.Bytes.ToArray() : []);
        var exceeded = !_io!.Stdout.Write(output);
        _io.Stderr.Write(Encoding.UTF8.GetBytes(behavior.Stderr));
        return new ContainerExit(behavior.ExitCode, behavior.OomKilled, exceeded);
    }

    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref driver._killsBegun);
        if (driver.KillGate is { } gate)
        {
            await gate.Task;
        }

        Interlocked.Increment(ref driver.Killed);
        driver.Record($"kill {spec.Name}");
        _killed.TrySetResult();
    }

    public Task PauseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task UnpauseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await driver.Tracker.RemoveAsync(Id);
        }
    }
}
