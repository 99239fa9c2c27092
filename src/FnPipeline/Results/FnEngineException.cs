namespace FnPipeline;

/// <summary>
/// The container engine or the host failed in a way no call caused (engine unreachable, API error). Function failures
/// are results, never this exception.
/// </summary>
public sealed class FnEngineException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FnEngineException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>HTTP-style status for gateways: always 500.</summary>
    public static int StatusCode => 500;
}
