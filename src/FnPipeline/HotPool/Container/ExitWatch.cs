using FnPipeline.Driver;

namespace FnPipeline.HotPool;

/// <summary>
/// The engine's wait for a hot container's exit, running from its start until its removal stops it. The exit task
/// completes once the driver has read the container's output to its end.
/// </summary>
internal sealed class ExitWatch(TimeProvider time) : IDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private Task<ContainerExit>? _exit;

    /// <summary>Removal stopped the watch.</summary>
    public bool IsStopped => _lifetime.IsCancellationRequested;

    /// <summary>The exit was reported (or the watch ended): the driver no longer writes output.</summary>
    public bool HasEnded => Volatile.Read(ref _exit) is { IsCompleted: true };

    /// <summary>Starts waiting for the exit of the started container.</summary>
    public Task<ContainerExit> Attach(IRunningContainer running)
    {
        var exit = running.WaitAsync(_lifetime.Token);
        Volatile.Write(ref _exit, exit);
        return exit;
    }

    /// <summary>
    /// Waits briefly for the engine to report an exit (after a broken call); <c>null</c> if it did not. Throws the
    /// engine's error when the container's state could not be read: that is no exit.
    /// </summary>
    public async Task<ContainerExit?> WaitAsync(TimeSpan grace)
    {
        if (Volatile.Read(ref _exit) is not { } exit)
        {
            return null;
        }

        try
        {
            return await exit.WaitAsync(grace, time).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The exit, or the engine's failure to say (not an exit: the container may still run); neither when
    /// removal stopped the watch.</summary>
    public async Task<(ContainerExit? Exit, Exception? Lost)> OutcomeAsync(Task<ContainerExit> exit)
    {
        try
        {
            return (await exit.ConfigureAwait(false), null);
        }
        catch (OperationCanceledException) when (IsStopped)
        {
            return (null, null);
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }

    public Task StopAsync() => _lifetime.CancelAsync();

    public void Dispose() => _lifetime.Dispose();
}
