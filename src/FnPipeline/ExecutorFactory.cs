using Microsoft.Extensions.Logging;

namespace FnPipeline;

/// <summary>Wires the Docker driver and the hot pool into an executor.</summary>
internal static class ExecutorFactory
{
    public static FnExecutor CreateDocker(FnPipelineOptions options, ILoggerFactory? loggerFactory, TimeProvider time)
    {
        // Wired once the Docker driver lands (issue 3).
        throw new NotImplementedException();
    }
}
