namespace FnPipeline.Docker.Credentials;

/// <summary>
/// What registry credentials are read from, captured when the executor is made and read on the first pull that needs
/// them: <see cref="FnPipelineOptions.DockerAuthJson"/>, the environment (<c>DOCKER_AUTH_CONFIG</c>, <c>DOCKER_CONFIG</c>,
/// <c>PATH</c> for helpers) and the home directory. Tests replace the environment instead of changing the process's.
/// </summary>
internal sealed record RegistryCredentialInputs(string? DockerAuthJson, Func<string, string?> GetVariable, string? HomeDirectory)
{
    /// <summary>The docker CLI has no limit; an executor cannot wait forever on a helper that prompts or hangs.</summary>
    public static readonly TimeSpan DefaultHelperTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a credential helper may take.</summary>
    public TimeSpan HelperTimeout { get; init; } = DefaultHelperTimeout;

    /// <summary>The option and the process's environment.</summary>
    public static RegistryCredentialInputs FromProcess(string? dockerAuthJson) =>
        new(dockerAuthJson, Environment.GetEnvironmentVariable, DockerConfigDirectory.Home(Environment.GetEnvironmentVariable));
}
