using NATS.Client.Core;

namespace FnPipeline.Fleet;

/// <summary>Turns <see cref="FleetOptions"/> into the NATS client's options: servers, credentials and TLS passed through.</summary>
public static class FleetConnections
{
    /// <summary>The NATS client options for <paramref name="options"/>, validated first.</summary>
    public static NatsOpts CreateOptions(FleetOptions options)
    {
        FleetOptionsValidation.ThrowIfInvalid(options);
        var auth = NatsAuthOpts.Default with
        {
            Username = options.User,
            Password = options.Password,
            Token = options.Token,
            NKeyFile = options.NKeyFile,
            CredsFile = options.CredsFile,
        };
        var tls = NatsTlsOpts.Default;
        if (options.TlsCaFile is not null || options.TlsCertFile is not null
            || options.Url.Contains("tls://", StringComparison.OrdinalIgnoreCase))
        {
            tls = tls with
            {
                Mode = TlsMode.Require,
                CaFile = options.TlsCaFile,
                CertFile = options.TlsCertFile,
                KeyFile = options.TlsKeyFile,
            };
        }

        return NatsOpts.Default with
        {
            Url = options.Url,
            Name = options.ClientName ?? $"fnpipeline@{Environment.MachineName}",
            AuthOpts = auth,
            TlsOpts = tls,
            ConnectTimeout = options.ConnectTimeout,
        };
    }

    /// <summary>A connection to the fleet's NATS servers (not yet connected: the first use or <c>ConnectAsync</c> connects).</summary>
    public static NatsConnection Create(FleetOptions options) => new(CreateOptions(options));
}
