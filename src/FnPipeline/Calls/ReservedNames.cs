namespace FnPipeline;

/// <summary>Environment variables and label prefixes the executor sets itself; calls may not override them.</summary>
public static class ReservedNames
{
    /// <summary>Labels the executor sets on every container; calls may add others.</summary>
    public static IReadOnlySet<string> Labels { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "fnpipeline.managed", "fnpipeline.instance", "fnpipeline.format", "fnpipeline.call-id",
    };

    /// <summary>Mount point of the socket directory inside hot containers.</summary>
    public const string SocketMountPath = "/tmp/iofs";

    /// <summary>Environment variables of the container contract.</summary>
    public static IReadOnlySet<string> EnvironmentVariables { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "FN_FORMAT", "FN_LISTENER", "FN_MEMORY", "FN_TYPE", "FN_FN_ID", "FN_APP_ID",
        "FN_FN_NAME", "FN_APP_NAME", "FN_TMPSIZE", "FN_CALL_ID",
    };
}
