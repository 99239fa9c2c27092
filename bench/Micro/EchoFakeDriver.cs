using FnPipeline.Tracking;
using FnPipeline.Driver;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline.Benchmarks.Micro;

/// <summary>
/// An in-memory engine for micro benchmarks, adapted from the unit tests' fake but lean: every step completes
/// synchronously, nothing is recorded, and a "container" echoes its input to stdout. What it costs is the same on the
/// pipeline side and the baseline side, so the difference is the pipeline's own machinery.
/// </summary>
internal sealed class EchoFakeDriver : IContainerDriver
{
    private static readonly Task<ContainerExit> Exited = Task.FromResult(new ContainerExit(0, OomKilled: false));

    /// <summary>Never tracks anything: the echo containers need no removal.</summary>
    public ContainerTracker Tracker { get; } =
        new((_, _) => Task.CompletedTask, ContainerTrackerSettings.Default(8), TimeProvider.System, NullLogger.Instance);

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task EnsureImageAsync(string image, RegistryCredentials? credentials, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IContainerHandle> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default) =>
        Task.FromResult<IContainerHandle>(new EchoContainer());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class EchoContainer : IContainerHandle, IRunningContainer
    {
        private ContainerIo? _io;

        public string Id => "fake";

        public IReadOnlyList<ContainerStatsSample> Stats => [];

        public Task<IRunningContainer> AttachAndStartAsync(ContainerIo io, CancellationToken cancellationToken = default)
        {
            _io = io;
            io.Started?.Invoke();
            return Task.FromResult<IRunningContainer>(this);
        }

        public Task<ContainerExit> WaitAsync(CancellationToken cancellationToken = default)
        {
            _io!.Stdout.Write(_io.Input is { } input ? input.Bytes.Span : default);
            return Exited;
        }

        public Task KillAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task PauseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task UnpauseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
