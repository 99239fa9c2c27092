using FnPipeline.Docker.Credentials;

namespace FnPipeline;

/// <summary>
/// Where the executor would find registry credentials, read the way it reads them for a pull (see
/// docs/configuration.md), without running any credential helper: for <c>fnpipe doctor</c> and health checks.
/// </summary>
public sealed class RegistryCredentialReport
{
    private RegistryCredentialReport(string summary, IReadOnlyList<string> problems, IReadOnlyList<string> warnings)
    {
        Summary = summary;
        Problems = problems;
        Warnings = warnings;
    }

    /// <summary>One line: each source and what it provides, or that pulls are anonymous.</summary>
    public string Summary { get; }

    /// <summary>What makes pulls that need credentials fail: credential helpers named but not on PATH.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>What is ignored: <c>auths</c> entries that cannot be read (skipped, as at a pull).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Reads the sources <paramref name="options"/> and the environment name. Throws <see cref="FnConfigurationException"/>
    /// (naming the file or variable and the position) when one is malformed.
    /// </summary>
    /// <param name="options">The executor's options (<see cref="FnPipelineOptions.DockerAuthJson"/>).</param>
    /// <param name="getVariable">The environment; the process's when <c>null</c>.</param>
    public static RegistryCredentialReport Read(FnPipelineOptions options, Func<string, string?>? getVariable = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        getVariable ??= Environment.GetEnvironmentVariable;
        var inputs = new RegistryCredentialInputs(options.DockerAuthJson, getVariable, DockerConfigDirectory.Home(getVariable));
        var sources = RegistryCredentialSources.Load(inputs);
        var helper = new CredentialHelper(getVariable, inputs.HelperTimeout);
        var problems = new List<string>();
        var warnings = new List<string>();
        foreach (var document in sources.Documents)
        {
            var named = document.CredHelpers.Select(h => (h.Value, $"credHelpers[\"{h.Key}\"]"));
            if (document.CredsStore is { } store)
            {
                named = named.Append((store, "credsStore"));
            }

            foreach (var (name, key) in named)
            {
                var program = CredentialHelper.ProgramPrefix + name;
                if (helper.Locate(program) is null)
                {
                    problems.Add($"{program} ({key} in {document.Source.Description}) is not on PATH");
                }
            }

            warnings.AddRange(document.Auths.Problems.Select(p => $"skipped 'auths' entry of {document.Source.Description}: {p}"));
        }

        return new RegistryCredentialReport(sources.Describe(), problems, warnings);
    }
}
