namespace FnPipeline;

/// <summary>Runs function calls in containers. Thread-safe; one instance serves a whole program.</summary>
public interface IFnExecutor : IAsyncDisposable
{
    /// <summary>The id carried by every container this executor creates (label <c>fnpipeline.instance</c>).</summary>
    string InstanceId { get; }

    /// <summary>
    /// Runs one call. Function failures, timeouts, cancellation and "too busy" come back as the result's status and
    /// error; an invalid call throws <see cref="InvalidFunctionCallException"/> before any engine work; an engine
    /// failure throws <see cref="FnEngineException"/> (naming the engine's endpoint and the operation that failed).
    /// Dispose the result to return its pooled output buffer.
    /// </summary>
    /// <remarks>
    /// Cancellation has one answer: when <paramref name="cancellationToken"/> is cancelled, the result has status
    /// <see cref="InvocationStatus.Cancelled"/> (error kind <see cref="FnErrorKind.Cancelled"/>, 499), whether it was
    /// cancelled before the call (no engine work is done), while the executor starts, while the call waits for a
    /// container, or while its container runs (the container is then killed and removed), on either lane. This method
    /// never throws <see cref="OperationCanceledException"/>.
    /// </remarks>
    Task<InvocationResult> InvokeAsync(FunctionCall functionCall, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one call and returns once its output began (or the call ended): the function's status and headers are known,
    /// and <see cref="StreamingInvocation.Output"/> yields the output as the function produces it, through pooled
    /// buffers with backpressure. The outcome (status, error, timings, stderr, exit code) is
    /// <see cref="StreamingInvocation.Completion"/>. Errors, cancellation and engine failures before the output began are
    /// answered as by <see cref="InvokeAsync"/>; a failure after it makes the output stream throw
    /// <see cref="FnStreamException"/>. Stream the input with <see cref="CallInput.FromStream(Stream)"/>.
    /// </summary>
    /// <remarks>
    /// The default implementation runs the buffered call and hands its result over as one piece (an executor that cannot
    /// stream, e.g. a remote one, stays correct).
    /// </remarks>
    async Task<StreamingInvocation> InvokeStreamingAsync(FunctionCall functionCall, CancellationToken cancellationToken = default) =>
        StreamingInvocation.Ended(await InvokeAsync(functionCall, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Reaches the engine and prepares it (version check, orphan reaping, image load, pre-fork pool). Optional: the first
    /// call does it. Having no result to carry it, a cancellation throws <see cref="OperationCanceledException"/> here; an
    /// engine failure throws <see cref="FnEngineException"/>.
    /// </summary>
    Task StartAsync(CancellationToken cancellationToken = default);
}
