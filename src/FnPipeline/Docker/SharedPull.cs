namespace FnPipeline.Docker;

/// <summary>
/// One image transfer that several callers wait for. The transfer runs on its own token (pull timeout, shutdown, or
/// every waiter gone), never on a requester's: a follower's cancellation only ends that follower's wait, unlike Fn's
/// puller which ran the transfer on the first requester's context. Its outcome is an error value, never a fault, so
/// each waiter throws its own exception and nothing goes unobserved.
/// </summary>
internal sealed class SharedPull(PullKey key) : IDisposable
{
    private readonly TaskCompletionSource<FnError?> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly CancellationTokenSource _abandon = new();

    public PullKey Key { get; } = key;

    /// <summary>Callers waiting for this transfer; changed only under the puller's lock.</summary>
    public int Waiters { get; set; }

    /// <summary><c>null</c> when the image arrived; otherwise why it did not.</summary>
    public Task<FnError?> Outcome => _outcome.Task;

    /// <summary>Cancelled when the last waiter leaves before the transfer ended.</summary>
    public CancellationToken AbandonToken => _abandon.Token;

    public bool IsAbandoned => _abandon.IsCancellationRequested;

    public void Abandon()
    {
        try
        {
            _abandon.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The transfer ended (and disposed this) between the last waiter leaving and this call: nothing to cancel.
        }
    }

    public void Complete(FnError? error) => _outcome.TrySetResult(error);

    /// <summary>Called by the transfer once it has ended.</summary>
    public void Dispose() => _abandon.Dispose();
}
