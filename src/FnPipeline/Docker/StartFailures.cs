using System.Net;
using Docker.DotNet;

namespace FnPipeline.Docker;

/// <summary>
/// Start failures that belong to the call rather than the engine. The engine answers 400 when the runtime cannot run
/// the function's process (e.g. <c>exec: "/nope": stat /nope: no such file or directory</c>, leaving exit code 127),
/// and 500 "failed to initialize logging driver" when a log driver such as syslog is unreachable (Fn's
/// <c>ErrSyslogUnavailable</c>). A pre-fork placeholder that died between allocation and start gives 409 "cannot join
/// network of a non running container", or 404 "No such container: &lt;placeholder&gt;" once it was removed: the pool
/// re-creates it, so the call may be retried (503). Anything else is an engine failure and propagates as is.
/// </summary>
internal static class StartFailures
{
    /// <param name="exception">The engine's refusal of the start.</param>
    /// <param name="networkMode">The container's network mode, to recognise a vanished <c>container:&lt;id&gt;</c> namespace.</param>
    public static FnError? Map(DockerApiException exception, string? networkMode = null)
    {
        var message = DockerErrors.MessageOf(exception);
        if (message.Contains("failed to initialize logging driver", StringComparison.OrdinalIgnoreCase))
        {
            return new FnError(FnErrorKind.EngineError, 500, $"Syslog Unavailable: {message}");
        }

        if (IsPlaceholderGone(exception.StatusCode, message, networkMode))
        {
            return new FnError(FnErrorKind.TooBusy, 503, $"The container's pre-fork network namespace went away; retry: {message}");
        }

        return exception.StatusCode == HttpStatusCode.BadRequest
            ? new FnError(FnErrorKind.ContainerInitFailed, 502, $"Container failed to start: {message}")
            : null;
    }

    private static bool IsPlaceholderGone(HttpStatusCode status, string message, string? networkMode)
    {
        if (status == HttpStatusCode.Conflict && message.Contains("cannot join network", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return status == HttpStatusCode.NotFound
            && CreateParametersBuilder.IsSharedNamespace(networkMode)
            && message.Contains(networkMode!["container:".Length..], StringComparison.Ordinal);
    }
}
