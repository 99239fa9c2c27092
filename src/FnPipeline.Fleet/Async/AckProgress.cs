using NATS.Client.Core;
using NATS.Client.JetStream;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// Keeps a taken asynchronous call's message alive while work on it goes on (the run, the callback): a progress
/// acknowledgement, and the refresh of its in-flight lease, every third of the ack wait, so the stream does not hand the
/// call to another node meanwhile.
/// </summary>
internal sealed class AckProgress(FleetAsyncOptions options, TimeProvider time)
{
    /// <summary>Runs <paramref name="work"/> while a progress acknowledgement (and lease refresh) goes every third of the ack wait.</summary>
    public async Task<T> WithProgressAsync<T>(INatsJSMsg<byte[]> msg, FunctionInFlightLimiter.Lease? lease, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = ProgressLoopAsync(msg, lease, done.Token);
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }
    }

    private async Task ProgressLoopAsync(INatsJSMsg<byte[]> msg, FunctionInFlightLimiter.Lease? lease, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.AckWait / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await msg.AckProgressAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (lease is not null)
                    {
                        await lease.RefreshAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is NatsException or NatsJSException)
                {
                    // A missed beat is recovered by the next; a lost connection ends in a redelivery elsewhere.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
