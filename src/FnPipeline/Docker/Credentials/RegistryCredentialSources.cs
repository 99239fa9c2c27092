namespace FnPipeline.Docker.Credentials;

/// <summary>
/// The credential documents in precedence order, the first that answers for a registry winning:
/// <c>FNPIPELINE_DOCKER_AUTH</c> (<see cref="FnPipelineOptions.DockerAuthJson"/>) when set, alone; otherwise
/// <c>DOCKER_AUTH_CONFIG</c>, then <c>config.json</c> in the docker config directory (<c>DOCKER_CONFIG</c>, else
/// <c>~/.docker</c>), as the docker CLI (28.3 and later) reads them.
/// </summary>
internal sealed class RegistryCredentialSources
{
    public const string OptionVariable = "FNPIPELINE_DOCKER_AUTH";
    public const string AuthConfigVariable = "DOCKER_AUTH_CONFIG";

    private RegistryCredentialSources(IReadOnlyList<DockerConfigDocument> documents, IReadOnlyList<string> consulted)
    {
        Documents = documents;
        Consulted = consulted;
    }

    /// <summary>The documents found, highest precedence first.</summary>
    public IReadOnlyList<DockerConfigDocument> Documents { get; }

    /// <summary>Every place looked at (found or not), for "no credentials" messages.</summary>
    public IReadOnlyList<string> Consulted { get; }

    /// <summary>Reads every source; throws <see cref="FnConfigurationException"/> for the first malformed one.</summary>
    public static RegistryCredentialSources Load(RegistryCredentialInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!string.IsNullOrWhiteSpace(inputs.DockerAuthJson))
        {
            // The executor's own setting replaces whatever the docker CLI would read.
            return new([DockerConfigDocument.Parse(inputs.DockerAuthJson, new CredentialSource(OptionVariable, $"{OptionVariable} (option DockerAuthJson)"))], [OptionVariable]);
        }

        var documents = new List<DockerConfigDocument>();
        var consulted = new List<string> { AuthConfigVariable };
        if (inputs.GetVariable(AuthConfigVariable) is { } fromVariable && !string.IsNullOrWhiteSpace(fromVariable))
        {
            documents.Add(DockerConfigDocument.Parse(fromVariable, CredentialSource.Variable(AuthConfigVariable)));
        }

        if (DockerConfigDirectory.Resolve(inputs.GetVariable, inputs.HomeDirectory) is { } directory)
        {
            var file = Path.Combine(directory, "config.json");
            consulted.Add(file);
            if (DockerConfigDocument.Load(file) is { } document)
            {
                documents.Add(document);
            }
        }

        return new(documents, consulted);
    }

    /// <summary>Whether any document names a helper or holds an <c>auths</c> entry.</summary>
    public bool HasAny => Documents.Any(d => d.CredsStore is not null || d.CredHelpers.Count > 0 || d.Auths.Entries.Count > 0);

    /// <summary>One line for the log and <c>fnpipe doctor</c>.</summary>
    public string Describe() =>
        HasAny
            ? string.Join(" | ", Documents.Select(d => d.Describe()))
            : $"none ({string.Join(", ", Consulted)} hold no credentials or do not exist): pulls are anonymous unless a call brings its own";
}
