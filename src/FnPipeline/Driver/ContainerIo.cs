namespace FnPipeline.Driver;

/// <summary>
/// Where a container's standard streams go. <see cref="Input"/> <c>null</c> leaves stdin unattached; otherwise the
/// driver writes it through pooled buffers and closes stdin at its end. Output sinks receive demultiplexed chunks.
/// </summary>
internal sealed class ContainerIo
{
    public CallInput? Input { get; init; }

    public required IOutputSink Stdout { get; init; }

    public required IOutputSink Stderr { get; init; }

    /// <summary>
    /// Called once the engine's start returned (the function's process runs), before any healthcheck wait: the cold
    /// call's timeout counts from here. Must be quick and never throw.
    /// </summary>
    public Action? Started { get; init; }
}

/// <summary>Receives one output stream of a container. Called from one reader at a time.</summary>
internal interface IOutputSink
{
    /// <summary>Takes a chunk; returns <c>false</c> once the sink's cap is exceeded (the driver then kills the container).</summary>
    bool Write(ReadOnlySpan<byte> chunk);
}

/// <summary>
/// A sink that may make the reader wait (a streaming call's stdout: backpressure from its caller). The driver awaits
/// <see cref="WriteAsync"/> instead of calling <see cref="IOutputSink.Write"/>; the container's output then waits too.
/// </summary>
internal interface IAsyncOutputSink : IOutputSink
{
    /// <summary>Takes a chunk (copied before it returns); <c>false</c> once the sink's cap is exceeded.</summary>
    ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken);
}
