namespace FnPipeline.Docker.Engine;

/// <summary>
/// The engine an executor talks to, as discovered (<see cref="EngineDiscovery"/>): its address, where that address came
/// from (for messages), and the TLS material when the connection is TLS.
/// </summary>
internal sealed record EngineEndpoint(Uri Uri, string Source, EngineTls? Tls = null)
{
    /// <summary>The address as people write it (<c>unix:///var/run/docker.sock</c>, <c>tcp://host:2376</c>).</summary>
    public string Address => Uri.Scheme == "unix" ? $"unix://{Uri.AbsolutePath}" : Uri.ToString().TrimEnd('/');

    /// <summary>The address, TLS when used, and its source: what a message about this engine names.</summary>
    public override string ToString() => Tls is null ? $"{Address} ({Source})" : $"{Address} (TLS, {Source})";
}

/// <summary>
/// TLS settings of a TCP engine, as the docker CLI takes them: <c>ca.pem</c>, <c>cert.pem</c>, <c>key.pem</c> from one
/// directory. <see cref="Verify"/> checks the engine's certificate against <see cref="CaFile"/> (or the system's roots
/// when there is none); without it any certificate is accepted, as <c>--tls</c> without <c>--tlsverify</c> does.
/// </summary>
internal sealed record EngineTls(bool Verify, string? CaFile, string? CertFile, string? KeyFile)
{
    /// <summary>The material of <paramref name="directory"/>: the files that exist there.</summary>
    public static EngineTls FromDirectory(string directory, bool verify)
    {
        string? Existing(string name) => File.Exists(Path.Combine(directory, name)) ? Path.Combine(directory, name) : null;
        return new EngineTls(verify, Existing("ca.pem"), Existing("cert.pem"), Existing("key.pem"));
    }
}
