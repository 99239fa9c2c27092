using System.Net;
using System.Text;
using System.Text.Json;
using Docker.DotNet.Models;

namespace FnPipeline.Docker.Credentials;

/// <summary>
/// Registry credentials from a Docker <c>config.json</c> (<c>{"auths":{...}}</c>), matched to an image's registry the way
/// Fn's <c>findRegistryConfig</c> does: a registry matches an entry whose host or one of its parent domains (at least two
/// labels, port kept on the last label) equals it; Docker Hub (empty registry) matches <c>hub.docker.com</c> or
/// <c>index.docker.io</c>. Unlike Fn, keys such as <c>127.0.0.1:5000</c> or <c>host:5000</c> without a scheme parse
/// (Fn's <c>url.Parse</c> failed on them and stopped the server), a malformed entry is skipped instead of fatal, and an
/// exact host match wins over a parent-domain match so that the choice does not depend on map order.
/// </summary>
internal sealed class RegistryAuthStore
{
    /// <summary>The names Docker Hub goes by in <c>auths</c> and <c>credHelpers</c> keys (after <see cref="HostOf"/>).</summary>
    public static readonly IReadOnlyList<string> DockerHubHosts = ["hub.docker.com", "index.docker.io", "docker.io", "registry-1.docker.io"];

    private RegistryAuthStore(IReadOnlyList<RegistryAuthEntry> entries, IReadOnlyList<string> problems)
    {
        Entries = entries;
        Problems = problems;
    }

    public static RegistryAuthStore Empty { get; } = new([], []);

    public IReadOnlyList<RegistryAuthEntry> Entries { get; }

    /// <summary>Entries that were skipped and why (the caller logs them).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Reads the <c>auths</c> object of a <c>config.json</c>; entries that cannot be read are listed in <see cref="Problems"/>.</summary>
    public static RegistryAuthStore FromAuths(JsonElement auths)
    {
        var entries = new List<RegistryAuthEntry>();
        var problems = new List<string>();
        foreach (var property in auths.EnumerateObject())
        {
            if (TryReadEntry(property, out var entry, out var problem))
            {
                entries.Add(entry);
            }
            else
            {
                problems.Add($"{property.Name}: {problem}");
            }
        }

        return new RegistryAuthStore(entries, problems);
    }

    /// <summary>The <c>auths</c> of a whole <c>config.json</c> document (tests and tools).</summary>
    public static RegistryAuthStore Parse(string json) =>
        DockerConfigDocument.Parse(json, CredentialSource.Variable("(inline)")).Auths;

    /// <summary>The credentials for <paramref name="registry"/> (empty = Docker Hub), or <c>null</c> for an anonymous pull.</summary>
    public AuthConfig? Find(string registry)
    {
        var entry = registry.Length == 0 ? FindDockerHub() : FindHost(registry.ToLowerInvariant());
        return entry is null
            ? null
            : new AuthConfig
            {
                Username = entry.Username,
                Password = entry.Password,
                IdentityToken = entry.IdentityToken,
                ServerAddress = entry.Key,
            };
    }

    private RegistryAuthEntry? FindDockerHub()
    {
        foreach (var host in DockerHubHosts)
        {
            if (FindHost(host) is { } entry)
            {
                return entry;
            }
        }

        return null;
    }

    private RegistryAuthEntry? FindHost(string host) =>
        Entries.FirstOrDefault(e => e.Host == host) ?? Entries.FirstOrDefault(e => e.Subdomains.Contains(host));

    private static bool TryReadEntry(JsonProperty property, out RegistryAuthEntry entry, out string problem)
    {
        entry = null!;
        var host = HostOf(property.Name);
        if (host.Length == 0)
        {
            problem = "no registry host in the key";
            return false;
        }

        if (property.Value.ValueKind != JsonValueKind.Object)
        {
            problem = "the entry is not an object";
            return false;
        }

        var username = ReadString(property.Value, "username");
        var password = ReadString(property.Value, "password");
        var auth = ReadString(property.Value, "auth");
        if (!string.IsNullOrEmpty(auth) && !TryDecodeAuth(auth, out username, out password))
        {
            problem = "'auth' is not base64 of user:password";
            return false;
        }

        entry = new RegistryAuthEntry(property.Name, host, Subdomains(host), username ?? "", password ?? "", ReadString(property.Value, "identitytoken"));
        problem = "";
        return true;
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryDecodeAuth(string auth, out string? username, out string? password)
    {
        username = password = null;
        var buffer = new byte[(auth.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(auth.Trim(), buffer, out var written))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, written);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        username = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }

    /// <summary>The host[:port] of a key that may carry a scheme and a path (<c>https://index.docker.io/v1/</c>).</summary>
    internal static string HostOf(string key)
    {
        var host = key.Trim();
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        return host.ToLowerInvariant();
    }

    /// <summary>Fn's <c>getSubdomains</c>: <c>a.b.c.com:443</c> → <c>a.b.c.com:443, b.c.com:443, c.com:443</c>.</summary>
    internal static IReadOnlyList<string> Subdomains(string host)
    {
        var colon = host.LastIndexOf(':');
        var name = colon >= 0 ? host[..colon] : host;
        var labels = host.Split('.');
        if (labels.Length <= 2 || IPAddress.TryParse(name, out _))
        {
            return [host];
        }

        var result = new List<string>(labels.Length - 1);
        for (var i = 0; i <= labels.Length - 2; i++)
        {
            result.Add(string.Join('.', labels, i, labels.Length - i));
        }

        return result;
    }
}
