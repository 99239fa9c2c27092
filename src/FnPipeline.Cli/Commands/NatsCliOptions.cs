using System.CommandLine;
using FnPipeline.Fleet;

namespace FnPipeline.Cli.Commands;

/// <summary>
/// The NATS options of the fleet commands (<c>node</c>, <c>serve --nats</c>, <c>fleet status</c>): the servers, the
/// fleet's name and the file-based credentials and TLS settings. Secrets themselves (user, password, token) come only
/// from the <c>FNPIPELINE_NATS_*</c> variables: a command line is visible to every user of the machine.
/// </summary>
internal sealed class NatsCliOptions
{
    private NatsCliOptions(bool urlRequired)
    {
        Url = new Option<string?>("--nats")
        {
            Description = urlRequired
                ? "NATS server URL(s), comma-separated (nats://, tls://). Default: FNPIPELINE_NATS_URL, else nats://127.0.0.1:4222."
                : "Run the gateway as the fleet's front door: NATS server URL(s), comma-separated; calls go to the fleet's nodes (no engine here). Default: none (the local engine).",
        };
        Fleet = new Option<string?>("--fleet") { Description = "The fleet's name (every subject, stream and bucket carries it). Default: FNPIPELINE_FLEET, else 'default'." };
        CredsFile = new Option<string?>("--nats-creds") { Description = "NATS credentials file (JWT + seed). Default: FNPIPELINE_NATS_CREDS_FILE." };
        NKeyFile = new Option<string?>("--nats-nkey") { Description = "File holding an nkey seed. Default: FNPIPELINE_NATS_NKEY_FILE." };
        TlsCa = new Option<string?>("--nats-tls-ca") { Description = "CA certificates (PEM) the NATS servers must chain to; turns TLS on. Default: FNPIPELINE_NATS_TLS_CA." };
        TlsCert = new Option<string?>("--nats-tls-cert") { Description = "Client certificate (PEM) for mutual TLS. Default: FNPIPELINE_NATS_TLS_CERT." };
        TlsKey = new Option<string?>("--nats-tls-key") { Description = "Client key (PEM) for mutual TLS. Default: FNPIPELINE_NATS_TLS_KEY." };
    }

    public Option<string?> Url { get; }

    public Option<string?> Fleet { get; }

    public Option<string?> CredsFile { get; }

    public Option<string?> NKeyFile { get; }

    public Option<string?> TlsCa { get; }

    public Option<string?> TlsCert { get; }

    public Option<string?> TlsKey { get; }

    /// <summary>Options for a command that always talks to NATS (<c>--nats</c> defaults to the environment).</summary>
    public static NatsCliOptions ForFleetCommand() => new(urlRequired: true);

    /// <summary>Options for <c>serve</c>, where <c>--nats</c> switches the gateway to the fleet.</summary>
    public static NatsCliOptions ForServe() => new(urlRequired: false);

    public IEnumerable<Option> All => [Url, Fleet, CredsFile, NKeyFile, TlsCa, TlsCert, TlsKey];

    /// <summary>The fleet options: the <c>FNPIPELINE_NATS_*</c> variables, then the flags given (which win).</summary>
    public FleetOptions Read(ParseResult parseResult, Func<string, string?>? getVariable = null)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var options = new FleetOptions();
        FleetEnvironment.Apply(options, getVariable);
        options.Url = parseResult.GetValue(Url) ?? options.Url;
        options.Fleet = parseResult.GetValue(Fleet) ?? options.Fleet;
        options.CredsFile = parseResult.GetValue(CredsFile) ?? options.CredsFile;
        options.NKeyFile = parseResult.GetValue(NKeyFile) ?? options.NKeyFile;
        options.TlsCaFile = parseResult.GetValue(TlsCa) ?? options.TlsCaFile;
        options.TlsCertFile = parseResult.GetValue(TlsCert) ?? options.TlsCertFile;
        options.TlsKeyFile = parseResult.GetValue(TlsKey) ?? options.TlsKeyFile;
        return options;
    }
}
