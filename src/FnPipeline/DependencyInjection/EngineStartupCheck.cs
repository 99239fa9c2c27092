using FnPipeline.Docker.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FnPipeline.DependencyInjection;

/// <summary>
/// Under a Generic Host: checks the engine when the host starts and fails the start with the engine's problem (an
/// <see cref="FnEngineException"/> naming the engine, the problem and the fix), so that a host pointed at a
/// missing engine does not start "healthy". Off with <see cref="FnPipelineOptions.CheckEngineOnStart"/> = false.
/// </summary>
internal sealed class EngineStartupCheck(EngineProbeService probe, IOptions<FnPipelineOptions> options) : IHostedService
{
    /// <summary>Generous: a busy engine may be slow to answer while the host starts.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.CheckEngineOnStart)
        {
            return;
        }

        var status = await probe.CheckAsync(Timeout, cancellationToken).ConfigureAwait(false);
        status.ThrowIfUnhealthy();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
