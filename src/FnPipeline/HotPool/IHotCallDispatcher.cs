namespace FnPipeline.HotPool;

/// <summary>Runs http-stream calls on hot containers. Disposal drains in-flight calls, then removes every container.</summary>
internal interface IHotCallDispatcher : IAsyncDisposable
{
    Task<InvocationResult> InvokeAsync(ResolvedCall call, CancellationToken cancellationToken = default);

    /// <summary>Stops intake, lets in-flight calls finish up to <paramref name="drainTimeout"/>, then removes everything.</summary>
    ValueTask DisposeAsync(TimeSpan drainTimeout);
}
