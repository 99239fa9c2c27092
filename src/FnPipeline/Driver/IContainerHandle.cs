namespace FnPipeline.Driver;

/// <summary>One created container. <see cref="IAsyncDisposable.DisposeAsync"/> force-removes it with its volumes (idempotent).</summary>
internal interface IContainerHandle : IAsyncDisposable
{
    string Id { get; }

    /// <summary>
    /// Attaches stdin/stdout/stderr as <paramref name="io"/> asks (before start, so no output is lost), registers the
    /// exit wait, starts the container ("already started" counts as started) and reports it through
    /// <see cref="ContainerIo.Started"/>, begins streaming stats, and waits for a Docker healthcheck to pass when the
    /// image defines one.
    /// </summary>
    Task<IRunningContainer> AttachAndStartAsync(ContainerIo io, CancellationToken cancellationToken = default);

    /// <summary>Sends SIGKILL; a container that is already gone is not an error.</summary>
    Task KillAsync(CancellationToken cancellationToken = default);

    /// <summary>Freezes the container (docker pause).</summary>
    Task PauseAsync(CancellationToken cancellationToken = default);

    /// <summary>Thaws the container (docker unpause).</summary>
    Task UnpauseAsync(CancellationToken cancellationToken = default);
}
