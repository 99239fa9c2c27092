using Docker.DotNet;
using FnPipeline.Docker.Credentials;
using FnPipeline.Docker.Engine;
using FnPipeline.Tracking;
using FnPipeline.Driver;
using FnPipeline.Ownership;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>
/// The Docker implementation of <see cref="IContainerDriver"/>. Call <see cref="InitializeAsync"/> once before use
/// (ping, version check, orphan reaping, image load, pre-fork pool). Dispose every handle before the driver: the driver
/// owns the engine client that handles remove their containers with. From construction to disposal the driver holds
/// this executor's owner lock (<see cref="ExecutorOwner"/>), whose labels every container it creates carries.
/// </summary>
internal sealed class DockerContainerDriver : IContainerDriver
{
    private readonly IDockerClient _client;
    private readonly bool _ownsClient;
    private readonly DockerDriverContext _context;
    private readonly ImagePuller _images;
    private readonly NetworkAllocator _networks;
    private readonly ImageCleaner? _cleaner;
    private readonly ImageHealthchecks _healthchecks = new();
    private readonly ILogger _logger;
    private readonly ExecutorOwner? _owner;
    private readonly TimeProvider _time;
    private OrphanReapLoop? _reaping;
    private PreForkPool? _pool;
    private int _disposed;

    /// <summary>Uses <paramref name="client"/> when given (not disposed by the driver); otherwise creates and owns one.</summary>
    public DockerContainerDriver(DockerDriverSettings settings, ILoggerFactory loggerFactory, TimeProvider timeProvider, IDockerClient? client)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _logger = loggerFactory.CreateLogger("FnPipeline.Docker");
        _time = timeProvider;
        Engine = client is null
            ? settings.EngineDiscovery.Resolve(settings.DockerEndpoint)
            : new EngineEndpoint(new Uri(DockerClientFactory.DefaultEndpoint), "a client supplied by the caller");
        Endpoint = client is null ? Engine.Uri : null;
        _ownsClient = client is null;
        _client = client ?? DockerClientFactory.Create(Engine);

        // After the steps that can throw: a lock taken here is released by DisposeAsync.
        _owner = OwnerLockSession.TryTake(settings.OwnerDirectory, _logger);
        Settings = _owner is null ? settings : settings with { OwnerLabels = _owner.Labels };
        var engine = _client;
        var tracker = new ContainerTracker(
            (id, token) => ContainerRemover.RemoveOnceAsync(engine, id, token),
            ContainerTrackerSettings.Default(Settings.MaxConcurrentRemovals),
            timeProvider,
            loggerFactory.CreateLogger("FnPipeline.Containers"));
        var engineCalls = new EngineCalls(Endpoint?.ToString() ?? "(the supplied client's engine)");
        _context = new DockerDriverContext(_client, tracker, Settings, timeProvider, _logger) { Engine = engineCalls };
        _images = new ImagePuller(
            _client, new RegistryCredentialResolver(Settings.Credentials, _logger), Settings.PullTimeout, timeProvider, _logger, Settings.PullProgress, engineCalls);
        _networks = new NetworkAllocator(Settings.Networks);
        if (Settings.ImageCleanMaxBytes > 0)
        {
            // The pre-fork image is the executor's own, not a function's.
            string[] exempt = Settings.PreForkSize > 0 ? [.. Settings.ImageCleanExemptTags, Settings.PreForkImage] : [.. Settings.ImageCleanExemptTags];
            _cleaner = new ImageCleaner(_client, Settings.ImageCleanMaxBytes, exempt, _logger);
        }
    }

    /// <summary>The image cleaner when <see cref="DockerDriverSettings.ImageCleanMaxBytes"/> is set.</summary>
    public ImageCleaner? Cleaner => _cleaner;

    public DockerDriverSettings Settings { get; }

    /// <summary>The label value that marks this executor's containers.</summary>
    public string InstanceId => Settings.InstanceId;

    /// <summary>The engine endpoint when the driver made its own client.</summary>
    public Uri? Endpoint { get; }

    /// <summary>The engine as discovered: address, where it came from, TLS.</summary>
    public EngineEndpoint Engine { get; }

    /// <summary>The engine client (shared; owned by the driver unless one was passed in).</summary>
    public IDockerClient Client => _client;

    /// <summary>Image transfers started (joined pulls do not count).</summary>
    public long PullTransfersStarted => _images.TransfersStarted;

    /// <summary>The pre-fork pool once started; <c>null</c> when disabled.</summary>
    public PreForkPool? Pool => _pool;

    /// <summary>The executor's removal queue: every container this driver created until the engine confirms it gone.</summary>
    public ContainerTracker Tracker => _context.Tracker;

    /// <summary>This executor's owner lock; <c>null</c> when it could not be taken (logged).</summary>
    public ExecutorOwner? Owner => _owner;

    /// <summary>Start-up: ping, version check, orphan reaping, image load, then the pre-fork pool.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var requirements = Settings.EngineRequirements with { MinimumDockerVersion = Settings.MinimumDockerVersion };
        var status = await new EngineProbe(Engine, _client, requirements).CheckAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        status.ThrowIfUnhealthy();
        DockerLog.EngineConnected(_logger, status.Identity!.ToString(), Engine.ToString());

        if (Settings.ReapOrphans && FileLock.IsSupported && _reaping is null)
        {
            // In the background: leftovers of dead executors must not delay this one's start.
            var reaper = new OrphanReaper(_client, _context.Tracker, ExecutorOwner.CurrentHost, Settings.OwnerDirectory, _logger);
            _reaping = new OrphanReapLoop(reaper, Settings.ReapInterval, _time, _logger);
        }

        if (Settings.ImageLoadFile is { } file)
        {
            await ImageLoader.LoadAsync(_client, file, cancellationToken).ConfigureAwait(false);
            DockerLog.ImagesLoaded(_logger, file);
        }

        if (Settings.PreForkSize > 0 && _pool is null)
        {
            var pool = new PreForkPool(_context, _images);
            _pool = pool;
            await pool.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task EnsureImageAsync(string image, RegistryCredentials? credentials, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var inspection = await _images.EnsureImageAsync(image, credentials, cancellationToken).ConfigureAwait(false);

        // Just pulled: one more look. Gone again already: the create will say so (503).
        inspection ??= await _images.InspectAsync(image, cancellationToken).ConfigureAwait(false);
        if (inspection is null)
        {
            return;
        }

        if (!Settings.AllowImageVolumes && inspection.Config?.Volumes is { Count: > 0 } volumes)
        {
            throw new FnCallException(ImageErrors.DeclaresVolumes(image, volumes.Keys));
        }

        _healthchecks.Record(image, inspection);
        _cleaner?.Touch(image, inspection);
    }

    public async Task<IContainerHandle> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var (networkMode, release) = PickNetwork(spec);
        if (_cleaner?.Acquire(spec.Image) is { } releaseImage)
        {
            release = release is { } releaseNetwork ? () => { releaseNetwork(); releaseImage(); } : releaseImage;
        }

        try
        {
            var parameters = CreateParametersBuilder.Build(spec, Settings, networkMode);
            cancellationToken.ThrowIfCancellationRequested();
            var kind = spec.Labels.TryGetValue(ContainerSpecFactory.FormatLabel, out var format) ? format : ContainerKinds.Unknown;
            var id = await ContainerCreator.CreateAsync(_context, parameters, kind).ConfigureAwait(false);
            DockerLog.ContainerCreated(_logger, new TruncatedId(id), spec.Name, networkMode);
            if (cancellationToken.IsCancellationRequested)
            {
                await _context.Tracker.RemoveAsync(id).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            var handle = new DockerContainerHandle(_context, id, spec.Name, networkMode, release, _healthchecks.MayDeclare(spec.Image));
            release = null;
            return handle;
        }
        catch (FnEngineException e) when (e.InnerException is DockerApiException answer && CreateFailures.Map(answer, spec) is { } error)
        {
            throw new FnCallException(error, answer);
        }
        finally
        {
            release?.Invoke();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_reaping is { } reaping)
        {
            await reaping.DisposeAsync().ConfigureAwait(false);
        }

        if (_pool is { } pool)
        {
            await pool.DisposeAsync().ConfigureAwait(false);
        }

        if (_cleaner is not null)
        {
            await _cleaner.DisposeAsync().ConfigureAwait(false);
        }

        // Every handle and placeholder has asked for its removal; retries get a bounded time to finish. Before the
        // owner lock goes, so that a clean drain lets it delete its files and a failed one leaves them to a reaper.
        await _context.Tracker.DrainAsync(Settings.RemovalDrainTimeout).ConfigureAwait(false);
        if (_owner is { } owner)
        {
            await OwnerLockSession.ReleaseAsync(owner, _client, _time, _logger).ConfigureAwait(false);
        }

        _images.Dispose();
        _context.Tracker.Dispose();
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <summary>
    /// The spec's network when it names one; else a pre-fork placeholder's namespace; else the least-used configured
    /// network; else <c>none</c> (function containers need no network, and the default bridge both starts slower and is
    /// where dockerd 20.10's removal deadlock lives).
    /// </summary>
    private (string NetworkMode, Action? Release) PickNetwork(ContainerSpec spec)
    {
        if (!string.IsNullOrEmpty(spec.Network))
        {
            return (spec.Network, null);
        }

        if (_pool is { } pool)
        {
            if (pool.TryAllocate(out var placeholder))
            {
                return ($"container:{placeholder}", () => pool.Free(placeholder));
            }

            DockerLog.PoolEmpty(_logger);
        }

        return _networks.Acquire() is { } network
            ? (network, () => _networks.Release(network))
            : ("none", null);
    }
}
