using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>
/// Force-removes containers with their volumes, at most <c>MaxConcurrentRemovals</c> at once across the driver: Debian's
/// dockerd 20.10 deadlocked its network code when ~100 removals ran together (moby#46661). Removal is detached from the
/// caller's cancellation (a cancelled call must still not leak its container) and bounded by its own timeout. It never
/// throws: failures are logged, "no such container" is success.
/// </summary>
internal sealed class ContainerRemover : IDisposable
{
    /// <summary>Longest one removal may take, queueing for a removal slot included.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly ContainerRemoveParameters ForceWithVolumes = new() { Force = true, RemoveVolumes = true };

    private readonly IDockerClient _client;
    private readonly SemaphoreSlim _slots;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;

    public ContainerRemover(IDockerClient client, int maxConcurrent, TimeProvider time, ILogger logger, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConcurrent);
        _client = client;
        _slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
        _time = time;
        _timeout = timeout ?? DefaultTimeout;
        _logger = logger;
        MaxConcurrent = maxConcurrent;
    }

    public int MaxConcurrent { get; }

    /// <summary>Removals running right now (for tests of the bound).</summary>
    public int InProgress => MaxConcurrent - _slots.CurrentCount;

    /// <summary>Removes the container; <c>true</c> when it is gone (removed now or already absent).</summary>
    public async Task<bool> RemoveAsync(string containerId)
    {
        using var timeout = new CancellationTokenSource(_timeout, _time);
        var entered = false;
        try
        {
            await _slots.WaitAsync(timeout.Token).ConfigureAwait(false);
            entered = true;
            await _client.Containers.RemoveContainerAsync(containerId, ForceWithVolumes, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (DockerApiException e) when (DockerErrors.IsNotFound(e) || IsRemovalInProgress(e))
        {
            // Gone already, or another remover (e.g. an executor reaping orphans) is removing it right now.
            return true;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            DockerLog.RemoveTimedOut(_logger, new TruncatedId(containerId), _timeout);
            return false;
        }
#pragma warning disable CA1031 // Removal runs from disposal paths, which must not throw; the failure is logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            DockerLog.RemoveFailed(_logger, new TruncatedId(containerId), e);
            return false;
        }
        finally
        {
            if (entered)
            {
                _slots.Release();
            }
        }
    }

    public void Dispose() => _slots.Dispose();

    // dockerd: 409 "removal of container <id> is already in progress".
    private static bool IsRemovalInProgress(DockerApiException e) =>
        DockerErrors.IsConflict(e) && DockerErrors.MessageOf(e).Contains("already in progress", StringComparison.OrdinalIgnoreCase);
}
