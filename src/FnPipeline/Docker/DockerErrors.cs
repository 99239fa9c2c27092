using System.Net;
using System.Text.Json;
using Docker.DotNet;

namespace FnPipeline.Docker;

/// <summary>Reads the engine's answers out of Docker.DotNet exceptions (Fn's <c>dockerMsg</c>).</summary>
internal static class DockerErrors
{
    /// <summary>The engine's <c>message</c> field, else the raw body, else the exception's message.</summary>
    public static string MessageOf(DockerApiException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var body = exception.ResponseBody?.Trim();
        if (string.IsNullOrEmpty(body))
        {
            return exception.Message;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString() ?? body;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body is the message.
        }

        return body;
    }

    public static bool IsNotFound(Exception exception) =>
        exception is DockerContainerNotFoundException or DockerImageNotFoundException
        || exception is DockerApiException { StatusCode: HttpStatusCode.NotFound };

    /// <summary>409 Conflict: e.g. killing or pausing a container that is not running.</summary>
    public static bool IsConflict(Exception exception) => exception is DockerApiException { StatusCode: HttpStatusCode.Conflict };
}
