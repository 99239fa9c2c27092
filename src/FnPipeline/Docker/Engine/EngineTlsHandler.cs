using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet.Handler.Abstractions;
using Microsoft.Net.Http.Client;

namespace FnPipeline.Docker.Engine;

/// <summary>
/// Makes the engine client speak TLS (the transport then uses <c>https</c>) and configures the legacy transport's handler with the
/// client certificate and the engine-certificate check that <see cref="EngineTls"/> asks for.
/// </summary>
internal sealed class EngineTlsHandler(EngineTls tls) : IAuthProvider
{
    public bool TlsEnabled => true;

    public HttpMessageHandler ConfigureHandler(HttpMessageHandler handler) => handler;

    /// <summary>Sets <paramref name="handler"/>'s TLS; throws <see cref="EngineDiscoveryException"/> on unreadable files.</summary>
    public void Configure(ManagedHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (tls.CertFile is { } certFile && tls.KeyFile is { } keyFile)
        {
            // The certificate lives as long as the handler (the client's lifetime): nothing to dispose earlier.
#pragma warning disable CA2000
            handler.ClientCertificates = [Load(() => X509Certificate2.CreateFromPemFile(certFile, keyFile), certFile + " / " + keyFile)];
#pragma warning restore CA2000
        }

        if (!tls.Verify)
        {
            // --tls without --tlsverify: encrypted, engine not authenticated (the docker CLI's behaviour).
#pragma warning disable CA5359 // Asked for: DOCKER_TLS without DOCKER_TLS_VERIFY, or a context with SkipTLSVerify.
            handler.ServerCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
            return;
        }

        if (tls.CaFile is { } caFile)
        {
            var authorities = Load(() => { var c = new X509Certificate2Collection(); c.ImportFromPemFile(caFile); return c; }, caFile);
            handler.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is not null && IsSignedBy(certificate, authorities, errors);
        }
    }

    // The engine's certificate must chain to the given CA (not the system's roots) and name the host dialled.
    private static bool IsSignedBy(X509Certificate certificate, X509Certificate2Collection authorities, SslPolicyErrors errors)
    {
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static T Load<T>(Func<T> load, string files)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new EngineDiscoveryException($"the engine's TLS files cannot be used: {files}: {e.Message}", e);
        }
    }
}
