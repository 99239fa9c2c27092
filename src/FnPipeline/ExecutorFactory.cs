using System.Diagnostics.Metrics;
using FnPipeline.Diagnostics;
using FnPipeline.Docker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline;

/// <summary>Wires the Docker driver and the hot pool into an executor.</summary>
internal static class ExecutorFactory
{
    public static FnExecutor CreateDocker(FnPipelineOptions options, ILoggerFactory? loggerFactory, TimeProvider time, IMeterFactory? meterFactory = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        // The driver labels containers and the executor names them: both must use one id.
        options.InstanceId ??= NewInstanceId();
        // Options were validated by the caller, so the executor takes ownership of the driver without throwing.
        return new FnExecutor(options, new DockerContainerDriver(options, loggerFactory, time), hotFactory: null, loggerFactory, time, new FnPipelineMetrics(meterFactory));
    }

    internal static string NewInstanceId() => Guid.NewGuid().ToString("N")[..12];
}
