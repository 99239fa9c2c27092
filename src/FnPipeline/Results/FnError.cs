namespace FnPipeline;

/// <summary>Why a call did not succeed: a kind, an HTTP-style status and a message for people.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="StatusCode">HTTP-style status, e.g. 502, 503, 504.</param>
/// <param name="Message">A message that names the image, option or limit involved.</param>
public sealed record FnError(FnErrorKind Kind, int StatusCode, string Message)
{
    /// <summary>Whether the caller may retry the same call later.</summary>
    public bool IsRetryable => Kind is FnErrorKind.TooBusy or FnErrorKind.ShuttingDown or FnErrorKind.ImagePullTimeout;

    /// <inheritdoc />
    public override string ToString() => $"{StatusCode} {Kind}: {Message}";
}
