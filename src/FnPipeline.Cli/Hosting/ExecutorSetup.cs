using FnPipeline.Docker.Engine;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Hosting;

/// <summary>
/// The executor settings of every fnpipe command: fnpipe's defaults, then the <c>FNPIPELINE_*</c> environment
/// (docs/configuration.md), then the command's own flags.
/// </summary>
internal static class ExecutorSetup
{
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary>
    /// The library's defaults, orphan reaping included: it removes only what dead executors of this host left (their
    /// owner locks are free), so a one-shot <c>fnpipe invoke</c> never touches a running <c>fnpipe serve</c>.
    /// <c>FNPIPELINE_REAP_ORPHANS=false</c> turns it off.
    /// </summary>
    public static FnPipelineOptions CreateOptions(Func<string, string?>? getVariable = null) =>
        ApplyEnvironment(new FnPipelineOptions(), getVariable);

    /// <summary>fnpipe's settings on <paramref name="options"/> (the library's defaults): the <c>FNPIPELINE_*</c> variables.</summary>
    public static FnPipelineOptions ApplyEnvironment(FnPipelineOptions options, Func<string, string?>? getVariable = null) =>
        FnPipelineEnvironment.Apply(options, getVariable);

    /// <summary>The engine endpoint the executor will use, found as the executor finds it (docs/configuration.md, "Finding the engine").</summary>
    public static Uri ResolveEndpoint(FnPipelineOptions options, Func<string, string?>? getVariable = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return new EngineDiscovery(getVariable ?? Environment.GetEnvironmentVariable).Resolve(options.DockerEndpoint).Uri;
        }
        catch (EngineDiscoveryException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    /// <summary>Console logging on stderr at <paramref name="level"/>; <see cref="LogLevel.None"/> logs nothing.</summary>
    public static ILoggerFactory CreateLoggerFactory(LogLevel level) =>
        LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(level);
            if (level != LogLevel.None)
            {
                logging.AddSimpleConsole(console =>
                {
                    console.SingleLine = true;
                    console.TimestampFormat = "HH:mm:ss.fff ";
                });
                // stdout carries the function's output (invoke) or the listening address (serve).
                logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            }
        });
}
