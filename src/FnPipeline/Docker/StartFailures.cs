using System.Net;
using Docker.DotNet;

namespace FnPipeline.Docker;

/// <summary>
/// Start failures that belong to the call rather than the engine. The engine answers 400 when the runtime cannot run
/// the function's process (e.g. <c>exec: "/nope": stat /nope: no such file or directory</c>, leaving exit code 127),
/// and 500 "failed to initialize logging driver" when a log driver such as syslog is unreachable (Fn's
/// <c>ErrSyslogUnavailable</c>). Anything else is an engine failure and propagates as is.
/// </summary>
internal static class StartFailures
{
    public static FnError? Map(DockerApiException exception)
    {
        var message = DockerErrors.MessageOf(exception);
        if (message.Contains("failed to initialize logging driver", StringComparison.OrdinalIgnoreCase))
        {
            return new FnError(FnErrorKind.EngineError, 500, $"Syslog Unavailable: {message}");
        }

        return exception.StatusCode == HttpStatusCode.BadRequest
            ? new FnError(FnErrorKind.ContainerInitFailed, 502, $"Container failed to start: {message}")
            : null;
    }
}
