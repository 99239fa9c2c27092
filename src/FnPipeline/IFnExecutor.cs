namespace FnPipeline;

/// <summary>Runs function calls in containers. Thread-safe; one instance serves a whole program.</summary>
public interface IFnExecutor : IAsyncDisposable
{
    /// <summary>The id carried by every container this executor creates (label <c>fnpipeline.instance</c>).</summary>
    string InstanceId { get; }

    /// <summary>
    /// Runs one call. Function failures, timeouts, cancellation and "too busy" come back as the result's status and
    /// error; an invalid call throws <see cref="InvalidFunctionCallException"/> before any engine work; an engine
    /// failure throws <see cref="FnEngineException"/>. Dispose the result to return its pooled output buffer.
    /// </summary>
    Task<InvocationResult> InvokeAsync(FunctionCall functionCall, CancellationToken cancellationToken = default);

    /// <summary>Reaches the engine and prepares it (version check, orphan reaping, image load, pre-fork pool). Optional: the first call does it.</summary>
    Task StartAsync(CancellationToken cancellationToken = default);
}
