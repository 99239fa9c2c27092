namespace FnPipeline.Docker.Credentials;

/// <summary>Where a credential document comes from: a file (by path) or an environment variable (by name).</summary>
/// <param name="Name">The path or the variable's name (<see cref="FnConfigurationException.ConfigurationSource"/>).</param>
/// <param name="Description">How messages name it: "Docker config file /p/config.json", "Environment variable DOCKER_AUTH_CONFIG".</param>
internal sealed record CredentialSource(string Name, string Description)
{
    public static CredentialSource File(string path) => new(path, $"Docker config file {path}");

    public static CredentialSource Variable(string name) => new(name, $"Environment variable {name}");
}
