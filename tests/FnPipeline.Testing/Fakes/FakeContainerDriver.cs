using FnPipeline.Driver;
using FnPipeline.Tracking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline.Testing.Fakes;

/// <summary>
/// The in-memory container engine of every test, benchmark and load test. A default-format container runs a
/// <see cref="FakeBehavior"/> (echoes stdin unless told otherwise); an http-stream container (one with the socket
/// directory mounted) runs a <see cref="FakeFunction"/>, a <see cref="FakeHttpStreamServer"/> on its socket. Every step
/// is counted and, unless <see cref="FakeEngineProfile.Recording"/> is off, recorded as an event that tests can read or
/// await (<see cref="WaitForEventAsync"/>); gates hold a step until the test releases it; failures are scripted per
/// image, spec or container.
/// </summary>
internal sealed class FakeContainerDriver : IContainerDriver
{
    private readonly Lock _eventsLock = new();
    private readonly List<string> _events = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Signal)> _eventWaiters = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FakeContainer> _live = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentQueue<FakeContainer> _history = new();
    private int _alive;
    private int _maxAlive;
    private int _created;
    private int _removed;
    private int _removalAttempts;
    private int _createsInFlight;
    private int _maxCreatesInFlight;
    private int _startsInFlight;
    private int _maxStartsInFlight;
    private int _startsBegun;
    private int _killsBegun;
    private int _killed;

    /// <param name="time">The removal queue's clock (its retry back-off and drain bound).</param>
    /// <param name="logger">The removal queue's log.</param>
    /// <param name="profile">Recording, removal tracking and simulated step times; <see cref="FakeEngineProfile.Test"/> when null.</param>
    public FakeContainerDriver(TimeProvider? time = null, ILogger? logger = null, FakeEngineProfile? profile = null)
    {
        Profile = profile ?? FakeEngineProfile.Test;
        Tracker = new ContainerTracker(RemoveOnceAsync, ContainerTrackerSettings.Default(Profile.MaxConcurrentRemovals), time ?? TimeProvider.System, logger ?? NullLogger.Instance);
    }

    /// <param name="time">The removal queue's clock.</param>
    /// <param name="logs">The removal queue's log, under the category the executor uses.</param>
    public FakeContainerDriver(TimeProvider? time, ILoggerFactory logs)
        : this(time, logs.CreateLogger("FnPipeline.Containers"))
    {
    }

    public FakeEngineProfile Profile { get; }

    public ContainerTracker Tracker { get; }

    /// <summary>Decides how a default-format container behaves, by its spec.</summary>
    public Func<ContainerSpec, FakeBehavior> Behavior { get; set; } = _ => FakeBehavior.Echo;

    /// <summary>Decides how an http-stream container behaves, by its spec.</summary>
    public Func<ContainerSpec, FakeFunction> Functions { get; set; } = _ => new FakeFunction();

    /// <summary>Thrown by EnsureImageAsync for the image, if set.</summary>
    private int _initializations;

    public Func<string, Exception?> ImageFailure { get; set; } = _ => null;

    /// <summary>Thrown by CreateContainerAsync for the spec, if set (nothing is created or tracked then).</summary>
    public Func<ContainerSpec, Exception?> CreateFailure { get; set; } = _ => null;

    /// <summary>Makes a removal attempt of the container fail with the exception, if set (the engine is away).</summary>
    public Func<FakeContainer, Exception?> RemovalFailure { get; set; } = _ => null;

    /// <summary>Runs inside ensure-image ("image") and create ("create"), e.g. to advance a fake clock during the step.</summary>
    public Action<string>? DuringStep { get; set; }

    /// <summary>How long disposal waits for the removal queue to empty.</summary>
    public TimeSpan RemovalDrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gate the engine's create waits on (a slow create) when set; cancellable like a real create.</summary>
    public TaskCompletionSource? CreateGate { get; set; }

    /// <summary>Gate the engine's start waits on (a slow start) when set; cancellable like a real start.</summary>
    public TaskCompletionSource? StartGate { get; set; }

    /// <summary>Gate a default-format container's run waits on (released by tests) when set.</summary>
    public TaskCompletionSource? RunGate { get; set; }

    /// <summary>Gate a kill waits on (an engine slow to kill) when set; the kill ignores its token, as the pipeline's does.</summary>
    public TaskCompletionSource? KillGate { get; set; }

    public int RemovalAttempts => Volatile.Read(ref _removalAttempts);

    /// <summary>Starts begun (the fake entered the engine's start), counted before any <see cref="StartGate"/> wait.</summary>
    public int StartsBegun => Volatile.Read(ref _startsBegun);

    /// <summary>Kills begun, counted before any <see cref="KillGate"/> wait.</summary>
    public int KillsBegun => Volatile.Read(ref _killsBegun);

    /// <summary>Kills that went through (after any <see cref="KillGate"/>).</summary>
    public int Killed => Volatile.Read(ref _killed);

    /// <summary>Creates inside the engine now (entered, not returned), and the most there ever were at once.</summary>
    public int CreatesInFlight => Volatile.Read(ref _createsInFlight);

    public int MaxCreatesInFlight => Volatile.Read(ref _maxCreatesInFlight);

    /// <summary>Starts inside the engine now (entered, not returned), and the most there ever were at once.</summary>
    public int StartsInFlight => Volatile.Read(ref _startsInFlight);

    public int MaxStartsInFlight => Volatile.Read(ref _maxStartsInFlight);

    /// <summary>Containers created and not yet removed, and the most there ever were at once.</summary>
    public int Alive => Volatile.Read(ref _alive);

    public int MaxAlive => Volatile.Read(ref _maxAlive);

    public int Created => Volatile.Read(ref _created);

    public int Removed => Volatile.Read(ref _removed);

    /// <summary>Every container created, in creation order (empty when the profile does not record).</summary>
    public IReadOnlyList<FakeContainer> Containers => [.. _history];

    /// <summary>The recorded events (<c>image</c>, <c>create</c>, <c>start</c>, <c>kill</c>, <c>pause</c>, <c>unpause</c>, <c>remove</c> + name), in order.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_eventsLock)
            {
                return [.. _events];
            }
        }
    }

    public void Record(string e)
    {
        if (!Profile.Recording)
        {
            return;
        }

        List<TaskCompletionSource>? signals = null;
        lock (_eventsLock)
        {
            _events.Add(e);
            for (var i = _eventWaiters.Count - 1; i >= 0; i--)
            {
                if (_eventWaiters[i].Match(e))
                {
                    (signals ??= []).Add(_eventWaiters[i].Signal);
                    _eventWaiters.RemoveAt(i);
                }
            }
        }

        signals?.ForEach(s => s.TrySetResult());
    }

    /// <summary>Completes when an event that <paramref name="match"/> accepts has been recorded (at once if one already was).</summary>
    public Task WaitForEventAsync(Func<string, bool> match, CancellationToken cancellationToken = default)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_eventsLock)
        {
            if (_events.Exists(e => match(e)))
            {
                return Task.CompletedTask;
            }

            _eventWaiters.Add((match, signal));
        }

        return signal.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The executor's start-ups of this engine (its first contact), counted.</summary>
    public int Initializations => Volatile.Read(ref _initializations);

    /// <summary>Runs in every start-up, if set: a gate to hold it (a slow engine) or a failure (an unreachable one).</summary>
    public Func<CancellationToken, Task>? Initialization { get; set; }

    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _initializations);
        return Initialization?.Invoke(cancellationToken) ?? Task.CompletedTask;
    }

    public Task EnsureImageAsync(string image, RegistryCredentials? credentials, CancellationToken cancellationToken = default)
    {
        Record($"image {image}");
        DuringStep?.Invoke("image");
        return ImageFailure(image) is { } ex ? Task.FromException(ex) : Task.CompletedTask;
    }

    public Task<IContainerHandle> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default) =>
        CreateGate is null && Profile.Times is null ? Task.FromResult<IContainerHandle>(Create(spec)) : CreateSlowlyAsync(spec, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Tracker.DrainAsync(RemovalDrainTimeout);
        Tracker.Dispose();
    }

    internal static bool IsHttpStream(ContainerSpec spec) => spec.Volumes.Any(v => v.ContainerPath == ReservedNames.SocketMountPath);

    internal void OnStartBegun()
    {
        Interlocked.Increment(ref _startsBegun);
        InterlockedMax(ref _maxStartsInFlight, Interlocked.Increment(ref _startsInFlight));
    }

    internal void OnStartEnded() => Interlocked.Decrement(ref _startsInFlight);

    internal void OnKillBegun() => Interlocked.Increment(ref _killsBegun);

    internal void OnKilled() => Interlocked.Increment(ref _killed);

    /// <summary>A handle was disposed: through the removal queue as the Docker handle does, or at once when untracked.</summary>
    internal Task RemoveAsync(FakeContainer container) =>
        Profile.TrackRemovals ? Tracker.RemoveAsync(container.Id, container.Kind) : container.RemoveFromEngineAsync();

    internal void OnRemoved(FakeContainer container)
    {
        if (_live.TryRemove(container.Id, out _))
        {
            Interlocked.Decrement(ref _alive);
            Record($"remove {container.Spec.Name}");

            // Last, so a test that saw the count also sees the event; removals run on several workers, so no plain ++.
            Interlocked.Increment(ref _removed);
        }
    }

    private async Task<IContainerHandle> CreateSlowlyAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        InterlockedMax(ref _maxCreatesInFlight, Interlocked.Increment(ref _createsInFlight));
        try
        {
            if (CreateGate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            if (Profile.Times is { } times)
            {
                await times.DelayAsync(times.Create, cancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _createsInFlight);
        }

        return Create(spec);
    }

    private FakeContainer Create(ContainerSpec spec)
    {
        DuringStep?.Invoke("create");
        if (CreateFailure(spec) is { } failure)
        {
            throw failure;
        }

        InterlockedMax(ref _maxAlive, Interlocked.Increment(ref _alive));
        Interlocked.Increment(ref _created);
        var httpStream = IsHttpStream(spec);
        var kind = spec.Labels.GetValueOrDefault(ContainerSpecFactory.FormatLabel, httpStream ? FunctionFormatNames.HttpStream : ContainerKinds.Unknown);
        var container = httpStream
            ? new FakeContainer(this, spec, kind, Functions(spec))
            : new FakeContainer(this, spec, kind, Behavior(spec));
        _live[container.Id] = container;
        if (Profile.Recording)
        {
            _history.Enqueue(container);
        }

        if (Profile.TrackRemovals)
        {
            Tracker.Track(container.Id, kind);
        }

        Record($"create {spec.Name}");
        return container;
    }

    private async Task RemoveOnceAsync(string containerId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _removalAttempts);
        if (!_live.TryGetValue(containerId, out var container))
        {
            return;
        }

        if (RemovalFailure(container) is { } failure)
        {
            throw failure;
        }

        if (Profile.Times is { } times)
        {
            await times.DelayAsync(times.Remove, cancellationToken);
        }

        await container.RemoveFromEngineAsync();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
