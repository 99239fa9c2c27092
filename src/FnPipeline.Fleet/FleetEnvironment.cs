namespace FnPipeline.Fleet;

/// <summary>
/// The <c>FNPIPELINE_NATS_*</c> and <c>FNPIPELINE_FLEET</c> environment variables (docs/fleet.md, "Connecting"): read by
/// <c>fnpipe node</c>, <c>fnpipe serve --nats</c> and the fleet's DI extensions before code configuration.
/// </summary>
public static class FleetEnvironment
{
    /// <summary>Every variable read, for the docs' check.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "FNPIPELINE_NATS_URL", "FNPIPELINE_FLEET", "FNPIPELINE_NATS_USER", "FNPIPELINE_NATS_PASSWORD", "FNPIPELINE_NATS_TOKEN",
        "FNPIPELINE_NATS_NKEY_FILE", "FNPIPELINE_NATS_CREDS_FILE", "FNPIPELINE_NATS_TLS_CA", "FNPIPELINE_NATS_TLS_CERT",
        "FNPIPELINE_NATS_TLS_KEY",
    ];

    /// <summary>Sets on <paramref name="options"/> what the variables set (a blank variable is unset).</summary>
    public static void Apply(FleetOptions options, Func<string, string?>? getVariable = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        getVariable ??= Environment.GetEnvironmentVariable;
        string? Get(string name) => getVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        options.Url = Get("FNPIPELINE_NATS_URL") ?? options.Url;
        options.Fleet = Get("FNPIPELINE_FLEET") ?? options.Fleet;
        options.User = Get("FNPIPELINE_NATS_USER") ?? options.User;
        options.Password = Get("FNPIPELINE_NATS_PASSWORD") ?? options.Password;
        options.Token = Get("FNPIPELINE_NATS_TOKEN") ?? options.Token;
        options.NKeyFile = Get("FNPIPELINE_NATS_NKEY_FILE") ?? options.NKeyFile;
        options.CredsFile = Get("FNPIPELINE_NATS_CREDS_FILE") ?? options.CredsFile;
        options.TlsCaFile = Get("FNPIPELINE_NATS_TLS_CA") ?? options.TlsCaFile;
        options.TlsCertFile = Get("FNPIPELINE_NATS_TLS_CERT") ?? options.TlsCertFile;
        options.TlsKeyFile = Get("FNPIPELINE_NATS_TLS_KEY") ?? options.TlsKeyFile;
    }
}
