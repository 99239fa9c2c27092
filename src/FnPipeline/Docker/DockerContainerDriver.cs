using Docker.DotNet;
using FnPipeline.Driver;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>
/// The Docker implementation of <see cref="IContainerDriver"/>. Call <see cref="InitializeAsync"/> once before use
/// (ping, version check, orphan reaping, image load, pre-fork pool). Dispose every handle before the driver: the driver
/// owns the engine client that handles remove their containers with.
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
    private PreForkPool? _pool;
    private int _disposed;

    public DockerContainerDriver(FnPipelineOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
        : this(DockerDriverSettings.From(options), loggerFactory, timeProvider, client: null)
    {
    }

    /// <summary>Uses <paramref name="client"/> when given (not disposed by the driver); otherwise creates and owns one.</summary>
    public DockerContainerDriver(DockerDriverSettings settings, ILoggerFactory loggerFactory, TimeProvider timeProvider, IDockerClient? client)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Settings = settings;
        _logger = loggerFactory.CreateLogger("FnPipeline.Docker");
        Endpoint = client is null ? DockerClientFactory.ResolveEndpoint(settings.DockerEndpoint, Environment.GetEnvironmentVariable("DOCKER_HOST")) : null;
        _ownsClient = client is null;
        _client = client ?? DockerClientFactory.Create(Endpoint!);
        var remover = new ContainerRemover(_client, Settings.MaxConcurrentRemovals, timeProvider, _logger);
        _context = new DockerDriverContext(_client, remover, Settings, timeProvider, _logger);
        _images = new ImagePuller(_client, LoadAuths(), Settings.PullTimeout, timeProvider, _logger, Settings.PullProgress);
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

    /// <summary>The engine client (shared; owned by the driver unless one was passed in).</summary>
    public IDockerClient Client => _client;

    /// <summary>Image transfers started (joined pulls do not count).</summary>
    public long PullTransfersStarted => _images.TransfersStarted;

    /// <summary>The pre-fork pool once started; <c>null</c> when disabled.</summary>
    public PreForkPool? Pool => _pool;

    /// <summary>The bounded remover every handle uses.</summary>
    public ContainerRemover Remover => _context.Remover;

    /// <summary>Start-up: ping, version check, orphan reaping, image load, then the pre-fork pool.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _client.System.PingAsync(cancellationToken).ConfigureAwait(false);
        var version = await _client.System.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        DockerLog.EngineConnected(_logger, version.Version ?? "?", version.APIVersion ?? "?", Endpoint?.ToString() ?? "(client supplied)");
        if (Settings.MinimumDockerVersion is { } minimum)
        {
            EngineVersion.EnsureAtLeast(minimum, version.Version ?? "");
        }

        if (Settings.ReapOrphans)
        {
            var reaped = await OrphanReaper.ReapAsync(_client, _context.Remover, InstanceId, cancellationToken: cancellationToken).ConfigureAwait(false);
            DockerLog.OrphansReaped(_logger, reaped);
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
            var id = await ContainerCreator.CreateAsync(_context, parameters).ConfigureAwait(false);
            DockerLog.ContainerCreated(_logger, new TruncatedId(id), spec.Name, networkMode);
            if (cancellationToken.IsCancellationRequested)
            {
                await _context.Remover.RemoveAsync(id).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            var handle = new DockerContainerHandle(_context, id, spec.Name, networkMode, release, _healthchecks.MayDeclare(spec.Image));
            release = null;
            return handle;
        }
        catch (DockerApiException e) when (CreateFailures.Map(e, spec) is { } error)
        {
            throw new FnCallException(error, e);
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

        if (_pool is { } pool)
        {
            await pool.DisposeAsync().ConfigureAwait(false);
        }

        if (_cleaner is not null)
        {
            await _cleaner.DisposeAsync().ConfigureAwait(false);
        }

        _images.Dispose();
        _context.Remover.Dispose();
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

    private RegistryAuthStore LoadAuths()
    {
        var store = RegistryAuthStore.Load(
            Settings.DockerAuthJson,
            Environment.GetEnvironmentVariable("DOCKER_CONFIG"),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        foreach (var problem in store.Problems)
        {
            DockerLog.RegistryAuthEntrySkipped(_logger, problem);
        }

        if (store.Entries.Count == 0)
        {
            DockerLog.NoRegistryAuth(_logger);
        }

        return store;
    }
}
