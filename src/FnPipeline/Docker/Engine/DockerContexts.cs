using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FnPipeline.Docker.Engine;

/// <summary>
/// The docker CLI's contexts in a config directory: <c>config.json</c>'s <c>currentContext</c>, each context's
/// <c>contexts/meta/&lt;sha256 of its name&gt;/meta.json</c> (<c>Endpoints.docker.Host</c>, <c>SkipTLSVerify</c>) and its
/// TLS files in <c>contexts/tls/&lt;sha256&gt;/docker/</c>.
/// </summary>
internal sealed class DockerContexts(string configDirectory)
{
    /// <summary>The context that means "no context": the CLI's default engine.</summary>
    public const string DefaultContext = "default";

    public string ConfigFile { get; } = Path.Combine(configDirectory, "config.json");

    /// <summary><c>currentContext</c> of <c>config.json</c>; <c>null</c> when the file or the key is missing.</summary>
    public string? CurrentContext()
    {
        if (!File.Exists(ConfigFile))
        {
            return null;
        }

        // A config.json that cannot be read or parsed names no context: the docker CLI warns and uses its default
        // engine, and so does this. The file's problem is reported where it matters (the pull that needs its
        // credentials, and fnpipe doctor's registry auth check), so a call of a local image still runs.
        JsonDocument document;
        try
        {
            document = ReadJson(ConfigFile, "the docker config file");
        }
        catch (EngineDiscoveryException)
        {
            return null;
        }

        using var owned = document;
        return document.RootElement.ValueKind == JsonValueKind.Object
               && document.RootElement.TryGetProperty("currentContext", out var current)
               && current.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(current.GetString())
            ? current.GetString()!.Trim()
            : null;
    }

    /// <summary>The engine of context <paramref name="name"/> (named by <paramref name="source"/>).</summary>
    public EngineEndpoint Endpoint(string name, string source, Func<string, string, Uri> parse)
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        var metaFile = Path.Combine(configDirectory, "contexts", "meta", id, "meta.json");
        if (!File.Exists(metaFile))
        {
            throw new EngineDiscoveryException(
                $"docker context '{name}' ({source}) does not exist: {metaFile} is missing. List contexts with 'docker context ls', " +
                "or unset DOCKER_CONTEXT / fix currentContext");
        }

        using var meta = ReadJson(metaFile, $"docker context '{name}'");
        if (!TryGetPath(meta.RootElement, out var docker, "Endpoints", "docker")
            || !docker.TryGetProperty("Host", out var hostElement) || hostElement.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(hostElement.GetString()))
        {
            throw new EngineDiscoveryException($"docker context '{name}': {metaFile} names no engine (Endpoints.docker.Host is missing)");
        }

        var label = $"docker context '{name}' ({source})";
        var uri = parse(hostElement.GetString()!.Trim(), label);
        var skipVerify = docker.TryGetProperty("SkipTLSVerify", out var skip) && skip.ValueKind == JsonValueKind.True;
        var tlsDirectory = Path.Combine(configDirectory, "contexts", "tls", id, "docker");
        var tls = uri.Scheme is "tcp" or "https" && (Directory.Exists(tlsDirectory) || uri.Scheme == "https")
            ? EngineTls.FromDirectory(tlsDirectory, !skipVerify)
            : null;
        return new EngineEndpoint(uri, label, tls);
    }

    private static bool TryGetPath(JsonElement element, out JsonElement found, params string[] path)
    {
        found = element;
        foreach (var key in path)
        {
            if (found.ValueKind != JsonValueKind.Object || !found.TryGetProperty(key, out found))
            {
                return false;
            }
        }

        return found.ValueKind == JsonValueKind.Object;
    }

    private static JsonDocument ReadJson(string file, string what)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(file));
        }
        catch (JsonException e)
        {
            throw new EngineDiscoveryException($"{what}: {file} is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): fix or remove it", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineDiscoveryException($"{what}: {file} cannot be read: {e.Message}", e);
        }
    }
}
