namespace FnPipeline.Docker.Engine;

/// <summary>
/// Finds the engine the way the docker CLI does: <see cref="FnPipelineOptions.DockerEndpoint"/>
/// (<c>FNPIPELINE_DOCKER_ENDPOINT</c>), else <c>DOCKER_HOST</c>, else the context named by <c>DOCKER_CONTEXT</c> or by
/// <c>currentContext</c> in the docker config directory (<c>DOCKER_CONFIG</c>, default <c>~/.docker</c>), else the
/// rootful socket <c>/var/run/docker.sock</c> when it exists, else the rootless one <c>$XDG_RUNTIME_DIR/docker.sock</c>
/// when it exists, else the rootful one (whose absence the probe then reports). TLS for an address given directly
/// follows <c>DOCKER_TLS_VERIFY</c> / <c>DOCKER_TLS</c> / <c>DOCKER_CERT_PATH</c> or an <c>https://</c> scheme; for a
/// context, its TLS folder.
/// </summary>
internal sealed class EngineDiscovery(Func<string, string?> variable, string rootfulSocket = EngineDiscovery.RootfulSocket)
{
    public const string RootfulSocket = "/var/run/docker.sock";

    /// <summary>Discovery from this process's environment.</summary>
    public static EngineDiscovery FromProcess() => new(Environment.GetEnvironmentVariable);

    /// <summary>The engine to use; throws <see cref="EngineDiscoveryException"/> naming the setting that is wrong.</summary>
    public EngineEndpoint Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Direct(configured.Trim(), "FNPIPELINE_DOCKER_ENDPOINT / DockerEndpoint");
        }

        if (Variable("DOCKER_HOST") is { } host)
        {
            return Direct(host, "DOCKER_HOST");
        }

        var contexts = new DockerContexts(ConfigDirectory());
        var (context, source) = Variable("DOCKER_CONTEXT") is { } named ? (named, "DOCKER_CONTEXT")
            : contexts.CurrentContext() is { } current ? (current, $"currentContext in {contexts.ConfigFile}")
            : (null, null);
        if (context is not null && context != DockerContexts.DefaultContext)
        {
            return contexts.Endpoint(context, source!, Parse);
        }

        if (File.Exists(rootfulSocket))
        {
            return new EngineEndpoint(new Uri("unix://" + rootfulSocket), "the rootful socket");
        }

        if (Variable("XDG_RUNTIME_DIR") is { } runtime && Path.Combine(runtime, "docker.sock") is var rootless && File.Exists(rootless))
        {
            return new EngineEndpoint(new Uri("unix://" + rootless), "the rootless socket ($XDG_RUNTIME_DIR/docker.sock)");
        }

        return new EngineEndpoint(new Uri("unix://" + rootfulSocket), "the default socket; no engine setting found");
    }

    /// <summary>The docker config directory: <c>DOCKER_CONFIG</c>, else <c>~/.docker</c>.</summary>
    public string ConfigDirectory() =>
        Variable("DOCKER_CONFIG") ?? Path.Combine(Variable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");

    private EngineEndpoint Direct(string address, string source)
    {
        var uri = Parse(address, source);
        var verify = Variable("DOCKER_TLS_VERIFY") is not null;
        var tls = verify || Variable("DOCKER_TLS") is not null || uri.Scheme == "https";
        if (!tls || uri.Scheme is "unix" or "npipe")
        {
            return new EngineEndpoint(uri, source);
        }

        var certPath = Variable("DOCKER_CERT_PATH") ?? ConfigDirectory();
        var material = EngineTls.FromDirectory(certPath, verify);
        if (verify && material.CaFile is null)
        {
            // The CLI refuses too: verifying needs the CA that signed the engine's certificate.
            throw new EngineDiscoveryException(
                $"DOCKER_TLS_VERIFY is set but {Path.Combine(certPath, "ca.pem")} does not exist: put the engine's CA (ca.pem), " +
                "cert.pem and key.pem in DOCKER_CERT_PATH (default ~/.docker), or unset DOCKER_TLS_VERIFY");
        }

        if ((material.CertFile is null) != (material.KeyFile is null))
        {
            throw new EngineDiscoveryException(
                $"{certPath} holds only one of cert.pem and key.pem: the client certificate needs both (DOCKER_CERT_PATH)");
        }

        return new EngineEndpoint(uri, source + (Variable("DOCKER_CERT_PATH") is null ? "" : ", DOCKER_CERT_PATH"), material);
    }

    /// <summary>An address as the CLI accepts it; <c>ssh://</c> is refused with the way around it.</summary>
    internal static Uri Parse(string address, string source)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("unix" or "tcp" or "http" or "https" or "npipe" or "ssh"))
        {
            throw new EngineDiscoveryException(
                $"{source}: '{address}' is not an engine address: use unix:///path/to/docker.sock, tcp://host:port or https://host:port");
        }

        if (uri.Scheme == "ssh")
        {
            throw new EngineDiscoveryException(
                $"{source}: '{address}': ssh:// engine addresses are not supported. Forward the engine's socket instead " +
                "(ssh -nNT -L /tmp/docker.sock:/var/run/docker.sock user@host) and use unix:///tmp/docker.sock");
        }

        return uri;
    }

    private string? Variable(string name) => variable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

/// <summary>The engine settings (endpoint variables, docker contexts, TLS files) are wrong; the message says which and how.</summary>
internal sealed class EngineDiscoveryException : InvalidOperationException
{
    /// <summary>Creates the exception with its message.</summary>
    public EngineDiscoveryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public EngineDiscoveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
