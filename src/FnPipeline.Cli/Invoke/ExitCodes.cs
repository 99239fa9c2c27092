namespace FnPipeline.Cli.Invoke;

/// <summary>
/// fnpipe's process exit codes. <c>invoke</c> follows the call's status (and, for errors, what failed); the other
/// commands use <see cref="Success"/>, <see cref="Usage"/> and <see cref="Engine"/>. Documented in docs/cli.md.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The call succeeded (or the command did what it was asked).</summary>
    public const int Success = 0;

    /// <summary>The function failed: non-zero exit, reported failure, invalid response, output too large, failed start.</summary>
    public const int FunctionError = 1;

    /// <summary>Bad arguments, an invalid call (400), a malformed functions file.</summary>
    public const int Usage = 2;

    /// <summary>The call ran past its timeout (504), or its container did not start in time.</summary>
    public const int Timeout = 3;

    /// <summary>The container was killed: out of memory.</summary>
    public const int Killed = 4;

    /// <summary>The image could not be had: not found, unauthorized, pull failed or timed out.</summary>
    public const int Image = 5;

    /// <summary>The engine or the executor failed: unreachable, engine error, too busy, shutting down, unsupported format.</summary>
    public const int Engine = 6;

    /// <summary>Interrupted (SIGINT/SIGTERM): the call was cancelled and its container removed. 128 + SIGINT, as shells do.</summary>
    public const int Cancelled = 130;

    /// <summary>The exit code for a call's result.</summary>
    public static int For(InvocationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Status switch
        {
            InvocationStatus.Success => Success,
            InvocationStatus.Timeout => Timeout,
            InvocationStatus.Killed => Killed,
            InvocationStatus.Cancelled => Cancelled,
            _ => For(result.Error?.Kind),
        };
    }

    /// <summary>The exit code for a failed call of <paramref name="kind"/>.</summary>
    public static int For(FnErrorKind? kind) => kind switch
    {
        FnErrorKind.InvalidCall or FnErrorKind.UnsupportedOption => Usage,
        FnErrorKind.Timeout or FnErrorKind.StartTimeout or FnErrorKind.ContainerInitTimeout => Timeout,
        FnErrorKind.OutOfMemory => Killed,
        FnErrorKind.ImageNotFound or FnErrorKind.ImageUnauthorized or FnErrorKind.ImagePullFailed or FnErrorKind.ImagePullTimeout => Image,
        FnErrorKind.EngineError or FnErrorKind.TooBusy or FnErrorKind.ShuttingDown
            or FnErrorKind.NodeLost or FnErrorKind.FleetUnavailable => Engine,
        FnErrorKind.Cancelled => Cancelled,
        _ => FunctionError,
    };
}
