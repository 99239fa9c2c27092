namespace FnPipeline.Cli.Gateway;

/// <summary>What <c>fnpipe serve</c> runs between Kestrel's start and its listening line (docs/cli.md, "Warm-up").</summary>
internal enum WarmUpMode
{
    /// <summary>Nothing: the first requests compile the gateway's code and start the first hot containers.</summary>
    Off,

    /// <summary>Requests that call no function (<c>/health</c>, <c>/metrics</c>, the 404 fallback) over loopback HTTP.</summary>
    Gateway,

    /// <summary><see cref="Gateway"/>, then one call with an empty body of every http-stream function: each one's first hot container is started.</summary>
    Hot,
}

/// <summary>Parses <c>--warm-up</c> and <c>FNPIPELINE_SERVE_WARM_UP</c>.</summary>
internal static class WarmUpModes
{
    /// <summary>The variable that sets the default of <c>--warm-up</c>.</summary>
    public const string EnvironmentVariable = "FNPIPELINE_SERVE_WARM_UP";

    /// <summary>Without the option or the variable.</summary>
    public const WarmUpMode Default = WarmUpMode.Gateway;

    public static bool TryParse(string? text, out WarmUpMode mode)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "OFF" or "NONE":
                mode = WarmUpMode.Off;
                return true;
            case "GATEWAY":
                mode = WarmUpMode.Gateway;
                return true;
            case "HOT":
                mode = WarmUpMode.Hot;
                return true;
            default:
                mode = Default;
                return false;
        }
    }

    /// <summary>The default: the variable when it is set (a malformed value is an error naming it), else <see cref="Default"/>.</summary>
    public static WarmUpMode FromEnvironment(Func<string, string?>? getVariable = null)
    {
        var text = (getVariable ?? Environment.GetEnvironmentVariable)(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Default;
        }

        return TryParse(text, out var mode)
            ? mode
            : throw new FormatException($"{EnvironmentVariable}='{text}' is not a warm-up mode: use off, gateway or hot");
    }
}
