namespace FnPipeline.Driver;

/// <summary>A started container.</summary>
internal interface IRunningContainer
{
    /// <summary>
    /// Completes when the container has exited and its attached output has been read to the end. Cancelling the token
    /// abandons the wait only; the caller kills the container.
    /// </summary>
    Task<ContainerExit> WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>Stats samples streamed so far (the list grows while the container runs).</summary>
    IReadOnlyList<ContainerStatsSample> Stats { get; }
}
