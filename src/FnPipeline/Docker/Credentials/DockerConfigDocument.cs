using System.Text.Json;

namespace FnPipeline.Docker.Credentials;

/// <summary>
/// The credential part of one Docker <c>config.json</c> document (a file, <c>DOCKER_AUTH_CONFIG</c> or
/// <c>FNPIPELINE_DOCKER_AUTH</c>): <c>auths</c>, <c>credsStore</c> and <c>credHelpers</c>. Other keys are ignored, as the
/// docker CLI ignores what it does not know. Malformed JSON or a credential key of the wrong type is one
/// <see cref="FnConfigurationException"/> naming the source and the position; a single unreadable <c>auths</c> entry is
/// skipped and listed in <see cref="RegistryAuthStore.Problems"/> (the caller logs it).
/// </summary>
internal sealed class DockerConfigDocument
{
    private static readonly JsonDocumentOptions ParseOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private DockerConfigDocument(CredentialSource source, RegistryAuthStore auths, string? credsStore, IReadOnlyDictionary<string, string> credHelpers)
    {
        Source = source;
        Auths = auths;
        CredsStore = credsStore;
        CredHelpers = credHelpers;
    }

    public CredentialSource Source { get; }

    public RegistryAuthStore Auths { get; }

    /// <summary>The helper for every registry without a <see cref="CredHelpers"/> entry (<c>docker-credential-&lt;name&gt;</c>).</summary>
    public string? CredsStore { get; }

    /// <summary>Registry host (lower case, as <see cref="RegistryAuthStore.HostOf"/> makes it) → helper name.</summary>
    public IReadOnlyDictionary<string, string> CredHelpers { get; }

    /// <summary>Reads <paramref name="file"/>; <c>null</c> when it does not exist (no credentials, anonymous pulls).</summary>
    public static DockerConfigDocument? Load(string file)
    {
        string json;
        try
        {
            if (!File.Exists(file))
            {
                return null;
            }

            json = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FnConfigurationException(file, $"Docker config file {file} cannot be read: {e.Message}", e);
        }

        return Parse(json, CredentialSource.File(file));
    }

    /// <summary>Parses <paramref name="json"/>; an empty document means no credentials (the docker CLI reads it so too).</summary>
    public static DockerConfigDocument Parse(string json, CredentialSource source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        if (string.IsNullOrWhiteSpace(json))
        {
            return new DockerConfigDocument(source, RegistryAuthStore.Empty, null, new Dictionary<string, string>());
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ParseOptions);
        }
        catch (JsonException e)
        {
            throw Malformed(source, e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(source, "the document", "an object", root);
            }

            var auths = root.TryGetProperty("auths", out var authsElement) ? ReadAuths(source, authsElement) : RegistryAuthStore.Empty;
            var credsStore = root.TryGetProperty("credsStore", out var store) ? ReadHelperName(source, "credsStore", store) : null;
            var credHelpers = root.TryGetProperty("credHelpers", out var helpers) ? ReadCredHelpers(source, helpers) : new Dictionary<string, string>();
            return new DockerConfigDocument(source, auths, credsStore, credHelpers);
        }
    }

    /// <summary>
    /// The helper the docker CLI would ask for a registry known as <paramref name="aliases"/> (host[:port] in lower case;
    /// Docker Hub has several): its <c>credHelpers</c> entry, else <c>credsStore</c>, else none (use <c>auths</c>).
    /// </summary>
    public (string Name, string Key)? HelperFor(IReadOnlyList<string> aliases)
    {
        foreach (var host in aliases)
        {
            if (CredHelpers.TryGetValue(host, out var helper))
            {
                return (helper, $"credHelpers[\"{host}\"]");
            }
        }

        return CredsStore is null ? null : (CredsStore, "credsStore");
    }

    /// <summary>One line for logs and <c>fnpipe doctor</c>: what this document provides.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (CredHelpers.Count > 0)
        {
            parts.Add($"credHelpers for {string.Join(", ", CredHelpers.Select(h => $"{h.Key} (docker-credential-{h.Value})"))}");
        }

        if (CredsStore is not null)
        {
            parts.Add($"credsStore docker-credential-{CredsStore}");
        }

        if (Auths.Entries.Count > 0)
        {
            parts.Add($"auths for {string.Join(", ", Auths.Entries.Select(e => e.Host))}");
        }

        return $"{Source.Description}: {(parts.Count == 0 ? "no credentials" : string.Join("; ", parts))}";
    }

    private static RegistryAuthStore ReadAuths(CredentialSource source, JsonElement auths) =>
        auths.ValueKind switch
        {
            JsonValueKind.Object => RegistryAuthStore.FromAuths(auths),
            JsonValueKind.Null => RegistryAuthStore.Empty,
            _ => throw WrongType(source, "'auths'", "an object", auths),
        };

    private static Dictionary<string, string> ReadCredHelpers(CredentialSource source, JsonElement helpers)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (helpers.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (helpers.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(source, "'credHelpers'", "an object", helpers);
        }

        foreach (var helper in helpers.EnumerateObject())
        {
            var name = ReadHelperName(source, $"'credHelpers' entry \"{helper.Name}\"", helper.Value);
            var host = RegistryAuthStore.HostOf(helper.Name);
            if (name is not null && host.Length > 0)
            {
                result[host] = name;
            }
        }

        return result;
    }

    private static string? ReadHelperName(CredentialSource source, string what, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw WrongType(source, what, "a string (a credential helper's name)", value);
        }

        var name = value.GetString()!.Trim();
        if (name.Length == 0)
        {
            return null;
        }

        // The name becomes part of a program name looked up on PATH: a path or spaces would run something else.
        return name.IndexOfAny(['/', '\\', ' ', '\t']) < 0
            ? name
            : throw new FnConfigurationException(source.Name, $"{source.Description}: {what} is \"{name}\", not a credential helper name (docker-credential-<name> on PATH)");
    }

    private static FnConfigurationException Malformed(CredentialSource source, JsonException e)
    {
        // JsonException counts from 0 and repeats the position at the end of its message; say it once, from 1.
        var reason = e.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        reason = (cut >= 0 ? reason[..cut] : reason).TrimEnd('.', ' ');
        var line = (e.LineNumber ?? 0) + 1;
        var column = (e.BytePositionInLine ?? 0) + 1;
        return new FnConfigurationException(source.Name, $"{source.Description} is not valid JSON at line {line}, column {column}: {reason}", e);
    }

    private static FnConfigurationException WrongType(CredentialSource source, string what, string expected, JsonElement found) =>
        new(source.Name, $"{source.Description}: {what} must be {expected}, not {KindOf(found)}");

    private static string KindOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
