using FnPipeline.Tracking;

namespace FnPipeline.Driver;

/// <summary>
/// The executor's port to a container engine. Function failures come back as values (<see cref="ContainerExit"/>);
/// call-attributable failures (pull refused, option unsupported) as <see cref="FnCallException"/>; anything else is an
/// engine failure and propagates as is.
/// </summary>
internal interface IContainerDriver : IAsyncDisposable
{
    /// <summary>
    /// Start-up: reach the engine, check its version, reap containers of earlier executor instances, load the image
    /// file, start the pre-fork pool. Called once before the first call.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Inspects the image and pulls it when missing; concurrent pulls of one image and credentials share one transfer.</summary>
    Task EnsureImageAsync(string image, RegistryCredentials? credentials, CancellationToken cancellationToken = default);

    /// <summary>
    /// The executor's one removal queue: every container this driver created, tracked until the engine confirms it is
    /// gone. Handles remove through it; disposing the driver drains it (bounded).
    /// </summary>
    ContainerTracker Tracker { get; }

    /// <summary>Creates (does not start) a container; it is tracked in <see cref="Tracker"/> from then on.</summary>
    Task<IContainerHandle> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default);

    /// <summary>
    /// The executor's owner lock, which records the hot pool's socket directories so that a reaper finds them after a
    /// crash; <c>null</c> when the engine has none (fakes) or it could not be taken.
    /// </summary>
    Ownership.ExecutorOwner? Owner => null;
}
