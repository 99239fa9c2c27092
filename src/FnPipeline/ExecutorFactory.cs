using System.Diagnostics.Metrics;
using FnPipeline.Diagnostics;
using FnPipeline.Docker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline;

/// <summary>Wires the Docker driver and the hot pool into an executor.</summary>
internal static class ExecutorFactory
{
    /// <summary>
    /// Checks what the settings name on disk (<see cref="StartupChecks"/>), then makes the driver and the executor
    /// from the same settings, so that both use its one instance id.
    /// </summary>
    public static FnExecutor CreateDocker(ExecutorSettings settings, ILoggerFactory? loggerFactory, TimeProvider time, IMeterFactory? meterFactory = null)
    {
        StartupChecks.ThrowIfUnusable(settings);
        loggerFactory ??= NullLoggerFactory.Instance;

        // Settings were checked above, so the executor takes ownership of the driver without throwing.
        var driver = new DockerContainerDriver(settings.Driver, loggerFactory, time, client: null);
        return new FnExecutor(settings, driver, hotFactory: null, loggerFactory, time, new FnPipelineMetrics(meterFactory));
    }
}
