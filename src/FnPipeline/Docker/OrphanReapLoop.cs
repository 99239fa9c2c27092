using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>
/// Reaps dead owners' containers and directories in the background, at start and then every
/// <see cref="FnPipelineOptions.ReapInterval"/>, so leftovers never delay this executor's start; a failed pass is
/// logged and the next one retries.
/// </summary>
internal sealed class OrphanReapLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public OrphanReapLoop(OrphanReaper reaper, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _loop = RunAsync(reaper, interval, time, logger, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task RunAsync(OrphanReaper reaper, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await reaper.ReapOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop outlives any one failure (engine away, directory unreadable); the next pass retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                ReaperLog.ReapFailed(logger, interval, e);
            }

            try
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
