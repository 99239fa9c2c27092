using System.Net;

namespace FnPipeline.Docker;

/// <summary>
/// Maps a failed pull to the call's error. The engine (API 1.41) answers registry failures mostly with HTTP 500 and the
/// registry's words, or reports them inside the progress stream, so the message decides as much as the status:
/// not found → 404, refused credentials → 401, another registry 4xx keeps its status, anything else → 502.
/// </summary>
internal static class PullErrors
{
    private static readonly string[] UnauthorizedMarkers =
    [
        "unauthorized", "no basic auth credentials", "authentication required", "incorrect username or password",
        "access denied", "access to the resource is denied", "denied:",
    ];

    private static readonly string[] NotFoundMarkers =
    [
        "manifest unknown", "not found", "name unknown", "repository does not exist", "no such image",
    ];

    public static FnError FromEngine(string image, HttpStatusCode? status, string message)
    {
        var text = $"Failed to pull image '{image}': {message}";
        var code = status is null ? 0 : (int)status.Value;
        if (code == 404)
        {
            return new FnError(FnErrorKind.ImageNotFound, 404, text);
        }

        if (code == 401 || Contains(message, UnauthorizedMarkers))
        {
            return new FnError(FnErrorKind.ImageUnauthorized, 401, text);
        }

        if (Contains(message, NotFoundMarkers))
        {
            return new FnError(FnErrorKind.ImageNotFound, 404, text);
        }

        return code is >= 400 and < 500
            ? new FnError(FnErrorKind.ImagePullFailed, code, text)
            : new FnError(FnErrorKind.ImagePullFailed, 502, text);
    }

    public static FnError Timeout(string image) =>
        new(FnErrorKind.ImagePullTimeout, 504, $"Image pull timed out: '{image}'");

    public static FnError ShuttingDown(string image) =>
        new(FnErrorKind.ShuttingDown, 503, $"Image pull of '{image}' stopped: the executor is shutting down");

    private static bool Contains(string message, string[] markers)
    {
        foreach (var marker in markers)
        {
            if (message.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
