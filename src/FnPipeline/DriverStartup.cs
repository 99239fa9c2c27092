using FnPipeline.Driver;

namespace FnPipeline;

/// <summary>
/// Starts the driver once (ping, version check, orphan reaping, image load, pre-fork pool), on the executor's
/// <see cref="IFnExecutor.StartAsync"/> or its first call, whichever comes first; concurrent callers wait for the one start.
/// </summary>
internal sealed class DriverStartup(IContainerDriver driver) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _started;

    public async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            return;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_started)
            {
                await driver.InitializeAsync(cancellationToken).ConfigureAwait(false);
                _started = true;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();
}
