namespace FnPipeline.Fleet;

/// <summary>
/// How a node or a client reaches the fleet: the NATS servers, the fleet's name (the subject namespace), credentials
/// and TLS. Environment variables and defaults: docs/fleet.md.
/// </summary>
public sealed class FleetOptions
{
    /// <summary>The NATS servers, comma-separated (<c>nats://host:port</c>, <c>tls://host:port</c>). Default <c>nats://127.0.0.1:4222</c>.</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// The fleet's name: every subject, stream and bucket of the fleet carries it, so two fleets on one NATS cluster
    /// never take each other's calls. Letters, digits, '-' and '_', at most 32. Default <c>default</c>.
    /// </summary>
    public string Fleet { get; set; } = "default";

    /// <summary>User name for user/password authentication.</summary>
    public string? User { get; set; }

    /// <summary>Password for user/password authentication.</summary>
    public string? Password { get; set; }

    /// <summary>Token authentication.</summary>
    public string? Token { get; set; }

    /// <summary>A file holding an nkey seed (<c>SU...</c>) for nkey authentication.</summary>
    public string? NKeyFile { get; set; }

    /// <summary>A NATS credentials file (JWT and nkey seed), as <c>nsc</c> writes it.</summary>
    public string? CredsFile { get; set; }

    /// <summary>A PEM file of certificate authorities that the servers' certificates must chain to; turns TLS on.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>A PEM client certificate for mutual TLS (with <see cref="TlsKeyFile"/>).</summary>
    public string? TlsCertFile { get; set; }

    /// <summary>The PEM private key of <see cref="TlsCertFile"/>.</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>How long to wait for a NATS server when connecting. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A display name for this process in the NATS server's connection list. Default: the host name.</summary>
    public string? ClientName { get; set; }
}
