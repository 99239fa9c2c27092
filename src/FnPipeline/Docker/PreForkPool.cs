using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Tracking;

namespace FnPipeline.Docker;

/// <summary>
/// Fn's experimental pre-fork pool: N long-running placeholder containers whose network namespace cold function
/// containers join (<c>NetworkMode=container:&lt;id&gt;</c>), which skips the engine's network set-up on every start
/// (measured here: start 261 ms → 141 ms). Each slot has a loop that creates and starts its placeholder, offers it, and
/// re-creates it when it dies. Allocation is LIFO. Unlike Fn's pool (whose image-preparation loop never ran), the
/// placeholder image is ensured (pulled if missing) before any slot starts.
/// </summary>
internal sealed class PreForkPool : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly ContainerKillParameters SigKill = new() { Signal = "KILL" };

    private readonly DockerDriverContext _context;
    private readonly ImagePuller _images;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<string> _free = [];
    private readonly HashSet<string> _inUse = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Task[] _slots = [];
    private int _disposed;

    public PreForkPool(DockerDriverContext context, ImagePuller images)
    {
        _context = context;
        _images = images;
    }

    public int Size => _context.Settings.PreForkSize;

    /// <summary>Placeholders offered and not allocated / allocated now (Fn's <c>Usage()</c>).</summary>
    public (int Free, int InUse) Usage
    {
        get
        {
            lock (_gate)
            {
                return (_free.Count, _inUse.Count);
            }
        }
    }

    /// <summary>Ensures the image, then starts every slot and waits until each has been offered once or has failed once.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        DockerLog.PoolStarting(_context.Logger, Size, _context.Settings.PreForkImage);
        await _images.EnsureImageAsync(_context.Settings.PreForkImage, credentials: null, cancellationToken).ConfigureAwait(false);
        var firstAttempts = new Task[Size];
        _slots = new Task[Size];
        for (var i = 0; i < Size; i++)
        {
            var firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            firstAttempts[i] = firstAttempt.Task;
            var index = i;
            _slots[i] = Task.Run(() => RunSlotAsync(index, firstAttempt), CancellationToken.None);
        }

        await Task.WhenAll(firstAttempts).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes the most recently offered placeholder (LIFO); <c>false</c> when none is free.</summary>
    public bool TryAllocate(out string containerId)
    {
        lock (_gate)
        {
            if (_free.Count == 0)
            {
                containerId = "";
                return false;
            }

            containerId = _free[^1];
            _free.RemoveAt(_free.Count - 1);
            _inUse.Add(containerId);
            return true;
        }
    }

    /// <summary>Gives a placeholder back after its function container was removed; with UseOnce it is replaced instead.</summary>
    public void Free(string containerId)
    {
        lock (_gate)
        {
            if (!_inUse.Remove(containerId))
            {
                return;
            }

            if (!_context.Settings.PreForkUseOnce)
            {
                _free.Add(containerId);
                return;
            }
        }

        // UseOnce: kill it; its slot loop sees the exit and creates a fresh one.
        _ = KillQuietlyAsync(containerId);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_slots).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunSlotAsync(int index, TaskCompletionSource firstAttempt)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            string? id = null;
            try
            {
                id = await CreateAsync(index).ConfigureAwait(false);
                token.ThrowIfCancellationRequested();
                await _context.Client.Containers.StartContainerAsync(id, new ContainerStartParameters(), token).ConfigureAwait(false);
                var exited = _context.Client.Containers.WaitContainerAsync(id, token);
                Offer(id);
                DockerLog.PoolSlotReady(_context.Logger, index, new TruncatedId(id));
                firstAttempt.TrySetResult();
                await exited.ConfigureAwait(false);
                DockerLog.PoolSlotExited(_context.Logger, index);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Pool disposal.
            }
#pragma warning disable CA1031 // A slot loop must survive engine hiccups: log, back off, re-create.
            catch (Exception e)
#pragma warning restore CA1031
            {
                DockerLog.PoolSlotFailed(_context.Logger, index, e);
                firstAttempt.TrySetResult();
                await DelayQuietlyAsync(token).ConfigureAwait(false);
            }
            finally
            {
                if (id is not null)
                {
                    Withdraw(id);
                    await _context.Tracker.RemoveAsync(id, ContainerKinds.PreFork).ConfigureAwait(false);
                }
            }
        }

        firstAttempt.TrySetResult();
    }

    private async Task<string> CreateAsync(int index)
    {
        var settings = _context.Settings;
        var networks = settings.PreForkNetworks;
        var name = $"fnpipeline-prefork-{index}-{Guid.NewGuid():N}";
        var parameters = new CreateContainerParameters
        {
            Name = name,
            Image = settings.PreForkImage,
            Cmd = [.. settings.PreForkCommand],
            Hostname = $"prefork-{index}",
            Labels = new Dictionary<string, string>(settings.ExtraLabels.Concat(settings.OwnerLabels))
            {
                [DockerLabels.Managed] = "true",
                [DockerLabels.Instance] = settings.InstanceId,
                [DockerLabels.Role] = DockerLabels.PreForkRole,
            },
            HostConfig = new HostConfig
            {
                LogConfig = new LogConfig { Type = "none", Config = new Dictionary<string, string>() },
                NetworkMode = networks.Count == 0 ? "" : networks[index % networks.Count],
            },
        };
        // Not cancelled by disposal mid-request; the slot loop checks the stop token right after and removes it.
        return await ContainerCreator.CreateAsync(_context, parameters, ContainerKinds.PreFork).ConfigureAwait(false);
    }

    private void Offer(string containerId)
    {
        lock (_gate)
        {
            _free.Add(containerId);
        }
    }

    /// <summary>Takes a dead or retiring placeholder out of both lists; a later <see cref="Free"/> of it is ignored.</summary>
    private void Withdraw(string containerId)
    {
        lock (_gate)
        {
            _free.Remove(containerId);
            _inUse.Remove(containerId);
        }
    }

    private async Task KillQuietlyAsync(string containerId)
    {
        try
        {
            await _context.Client.Containers.KillContainerAsync(containerId, SigKill, _stopping.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: a placeholder that cannot be killed is removed at disposal.
        catch (Exception e)
#pragma warning restore CA1031
        {
            DockerLog.KillFailed(_context.Logger, new TruncatedId(containerId), e);
        }
    }

    private async Task DelayQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(RetryDelay, _context.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposal during back-off.
        }
    }
}
