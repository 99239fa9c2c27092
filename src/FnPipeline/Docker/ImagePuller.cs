using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Docker.Credentials;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>
/// Makes an image present: inspect, and when the engine does not have it, pull it with the right credentials. Pulls of
/// the same reference with the same credentials share one transfer (see <see cref="SharedPull"/>).
/// </summary>
internal sealed class ImagePuller : IDisposable
{
    private readonly IDockerClient _client;
    private readonly RegistryCredentialResolver _credentials;
    private readonly EngineCalls _engine;
    private readonly TimeSpan _pullTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IProgress<ImagePullProgress>? _progress;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Dictionary<PullKey, SharedPull> _inFlight = [];
    private readonly Lock _gate = new();
    private long _transfersStarted;

    public ImagePuller(
        IDockerClient client, RegistryCredentialResolver credentials, TimeSpan pullTimeout, TimeProvider time, ILogger logger,
        IProgress<ImagePullProgress>? progress = null, EngineCalls? engine = null)
    {
        _client = client;
        _credentials = credentials;
        _engine = engine ?? new EngineCalls("(the supplied client's engine)");
        _pullTimeout = pullTimeout > TimeSpan.Zero ? pullTimeout : Timeout.InfiniteTimeSpan;
        _time = time;
        _logger = logger;
        _progress = progress;
    }

    /// <summary>Transfers started so far (joined pulls do not count): lets tests see that waiters shared one.</summary>
    public long TransfersStarted => Interlocked.Read(ref _transfersStarted);

    /// <summary>The image's inspection when the engine had it; <c>null</c> when it had to be pulled.</summary>
    public async Task<ImageInspectResponse?> EnsureImageAsync(string image, RegistryCredentials? credentials, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        if (await InspectAsync(image, cancellationToken).ConfigureAwait(false) is { } present)
        {
            return present;
        }

        await PullAsync(image, credentials, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>The engine's inspection of <paramref name="image"/>, or <c>null</c> when it does not have it.</summary>
    public async Task<ImageInspectResponse?> InspectAsync(string image, CancellationToken cancellationToken = default)
    {
        return await _engine.RunAsync($"inspect image '{image}'", InspectOrNullAsync, cancellationToken).ConfigureAwait(false);

        async Task<ImageInspectResponse?> InspectOrNullAsync(CancellationToken token)
        {
            try
            {
                return await _client.Images.InspectImageAsync(image, token).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (DockerErrors.IsNotFound(e))
            {
                return null;
            }
        }
    }

    /// <summary>Pulls <paramref name="image"/>, joining a transfer of the same image and credentials already under way.</summary>
    public async Task PullAsync(string image, RegistryCredentials? credentials, CancellationToken cancellationToken = default)
    {
        var name = DockerImageName.Parse(image);
        var auth = await ResolveAuthAsync(name, credentials, cancellationToken).ConfigureAwait(false);
        var key = new PullKey(name.ToString(), auth?.Username, auth?.Password, auth?.IdentityToken, auth?.ServerAddress);
        var (pull, isNew) = Join(key);
        if (isNew)
        {
            _ = RunTransferAsync(pull, image, name, auth);
        }
        else
        {
            DockerLog.PullJoined(_logger, image);
        }

        FnError? error;
        try
        {
            error = await pull.Outcome.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Leave(pull);
        }

        if (error is not null)
        {
            throw new FnCallException(error);
        }
    }

    /// <summary>
    /// Explicit credentials win; otherwise what the docker CLI would use (<see cref="RegistryCredentialResolver"/>);
    /// otherwise anonymous. Throws <see cref="FnConfigurationException"/> when the credential configuration is unusable.
    /// </summary>
    internal async Task<AuthConfig?> ResolveAuthAsync(DockerImageName name, RegistryCredentials? credentials, CancellationToken cancellationToken) =>
        credentials is null
            ? await _credentials.ResolveAsync(name.Registry, cancellationToken).ConfigureAwait(false)
            : new AuthConfig
            {
                Username = credentials.Username,
                Password = credentials.Password,
                ServerAddress = credentials.ServerAddress.Length > 0 ? credentials.ServerAddress : name.Registry,
            };

    public void Dispose()
    {
        _shutdown.Cancel();
        _shutdown.Dispose();
    }

    private (SharedPull Pull, bool IsNew) Join(PullKey key)
    {
        lock (_gate)
        {
            var isNew = !_inFlight.TryGetValue(key, out var pull);
            if (isNew)
            {
                pull = new SharedPull(key);
                _inFlight.Add(key, pull);
            }

            pull!.Waiters++;
            return (pull, isNew);
        }
    }

    private void Leave(SharedPull pull)
    {
        bool abandon;
        lock (_gate)
        {
            pull.Waiters--;
            abandon = pull.Waiters == 0 && !pull.Outcome.IsCompleted;
            if (abandon)
            {
                // A caller arriving from now on starts a fresh transfer instead of joining one being cancelled.
                _inFlight.Remove(pull.Key);
            }
        }

        if (abandon)
        {
            DockerLog.PullAbandoned(_logger, pull.Key.Reference);
            pull.Abandon();
        }
    }

    private async Task RunTransferAsync(SharedPull pull, string image, DockerImageName name, AuthConfig? auth)
    {
        Interlocked.Increment(ref _transfersStarted);
        FnError? error;
        try
        {
            error = await TransferAsync(pull, image, name, auth).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The outcome is delivered as a value to every waiter; nothing may escape this fire-and-forget task.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = new FnError(FnErrorKind.ImagePullFailed, 502, $"Failed to pull image '{image}': {e.Message}");
        }

        lock (_gate)
        {
            if (_inFlight.TryGetValue(pull.Key, out var current) && ReferenceEquals(current, pull))
            {
                _inFlight.Remove(pull.Key);
            }
        }

        pull.Complete(error);
        pull.Dispose();
    }

    private async Task<FnError?> TransferAsync(SharedPull pull, string image, DockerImageName name, AuthConfig? auth)
    {
        using var timeout = new CancellationTokenSource(_pullTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, pull.AbandonToken, _shutdown.Token);
        var started = _time.GetTimestamp();
        DockerLog.PullStarted(_logger, image, name.Registry.Length == 0 ? "docker.io" : name.Registry, auth is null ? "anonymous" : auth.Username is { Length: > 0 } user ? user : "an identity token");
        var progress = new PullProgress(image, _progress);
        FnError? error = null;
        try
        {
            var parameters = new ImagesCreateParameters { FromImage = name.FromImage, Tag = name.Tag };
            await _client.Images.CreateImageAsync(parameters, auth ?? new AuthConfig(), progress, linked.Token).ConfigureAwait(false);
            if (progress.Error is { } message)
            {
                error = PullErrors.FromEngine(image, StatusOf(progress.ErrorCode), message);
            }
        }
        catch (DockerApiException e)
        {
            error = PullErrors.FromEngine(image, e.StatusCode, DockerErrors.MessageOf(e));
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            error = timeout.IsCancellationRequested ? PullErrors.Timeout(image)
                : _shutdown.IsCancellationRequested ? PullErrors.ShuttingDown(image)
                : new FnError(FnErrorKind.Cancelled, 499, $"Image pull of '{image}' was abandoned by every caller");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            error = new FnError(FnErrorKind.ImagePullFailed, 502, $"Failed to pull image '{image}': {e.Message}");
        }

        var elapsed = _time.GetElapsedTime(started);
        if (error is null)
        {
            DockerLog.PullCompleted(_logger, image, elapsed.TotalMilliseconds);
        }
        else
        {
            DockerLog.PullFailed(_logger, image, error.StatusCode, error.Message);
        }

        return error;
    }

    private static System.Net.HttpStatusCode? StatusOf(long? code) =>
        code is >= 100 and < 600 ? (System.Net.HttpStatusCode)code.Value : null;
}
