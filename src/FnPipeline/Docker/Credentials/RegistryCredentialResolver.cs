using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker.Credentials;

/// <summary>
/// The credentials of an image's registry as the docker CLI finds them (see <see cref="RegistryCredentialSources"/>):
/// in the first document that answers, the registry's <c>credHelpers</c> helper, else the <c>credsStore</c> helper,
/// else its <c>auths</c> entry; a helper without credentials passes on to the next document. The documents are read
/// once, on the first pull that needs them, so that a malformed one fails only the calls that need credentials; its
/// error is kept and given to each of them.
/// </summary>
internal sealed class RegistryCredentialResolver
{
    /// <summary>What the docker CLI sends a helper for Docker Hub.</summary>
    public const string DockerHubServerAddress = "https://index.docker.io/v1/";

    private readonly Lazy<RegistryCredentialSources> _sources;
    private readonly CredentialHelper _helper;
    private readonly ILogger _logger;

    public RegistryCredentialResolver(RegistryCredentialInputs inputs, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _logger = logger;
        _helper = new CredentialHelper(inputs.GetVariable, inputs.HelperTimeout);
        _sources = new Lazy<RegistryCredentialSources>(() => Load(inputs), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// The credentials for <paramref name="registry"/> (empty = Docker Hub), or <c>null</c> for an anonymous pull.
    /// Throws <see cref="FnConfigurationException"/> when a source is malformed or a helper cannot answer.
    /// </summary>
    public async Task<AuthConfig?> ResolveAsync(string registry, CancellationToken cancellationToken)
    {
        var sources = _sources.Value;
        IReadOnlyList<string> aliases = registry.Length == 0 ? RegistryAuthStore.DockerHubHosts : [registry.ToLowerInvariant()];
        var serverAddress = registry.Length == 0 ? DockerHubServerAddress : registry;
        var shown = registry.Length == 0 ? "docker.io" : registry;
        foreach (var document in sources.Documents)
        {
            if (document.HelperFor(aliases) is { } helper)
            {
                var origin = $"{helper.Key} in {document.Source.Description}";
                var answer = await _helper.GetAsync(helper.Name, serverAddress, origin, document.Source.Name, cancellationToken).ConfigureAwait(false);
                if (answer is not null)
                {
                    CredentialLog.Found(_logger, shown, $"{CredentialHelper.ProgramPrefix}{helper.Name} ({origin})");
                    return answer;
                }

                continue;
            }

            if (document.Auths.Find(registry) is { } entry)
            {
                CredentialLog.Found(_logger, shown, $"'auths' in {document.Source.Description}");
                return entry;
            }
        }

        CredentialLog.None(_logger, shown);
        return null;
    }

    private RegistryCredentialSources Load(RegistryCredentialInputs inputs)
    {
        RegistryCredentialSources sources;
        try
        {
            sources = RegistryCredentialSources.Load(inputs);
        }
        catch (FnConfigurationException e)
        {
            CredentialLog.Malformed(_logger, e.Message);
            throw;
        }

        CredentialLog.Sources(_logger, sources.Describe());
        foreach (var document in sources.Documents)
        {
            foreach (var problem in document.Auths.Problems)
            {
                CredentialLog.EntrySkipped(_logger, document.Source.Description, problem);
            }
        }

        return sources;
    }
}
