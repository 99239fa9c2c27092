namespace FnPipeline.Docker.Credentials;

/// <summary>
/// The docker CLI's configuration directory: <c>DOCKER_CONFIG</c> when set, else <c>~/.docker</c>. Like the CLI, a set
/// <c>DOCKER_CONFIG</c> is the only place looked at (no fall-back to the home directory).
/// </summary>
internal static class DockerConfigDirectory
{
    public const string Variable = "DOCKER_CONFIG";

    /// <summary>The directory, or <c>null</c> when neither <c>DOCKER_CONFIG</c> nor a home directory is known.</summary>
    public static string? Resolve(Func<string, string?> getVariable, string? homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        if (getVariable(Variable) is { Length: > 0 } configured)
        {
            return configured;
        }

        return string.IsNullOrEmpty(homeDirectory) ? null : Path.Combine(homeDirectory, ".docker");
    }

    /// <summary>The process's home directory (<c>HOME</c>, else the user profile), or <c>null</c>.</summary>
    public static string? Home(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        return getVariable("HOME") is { Length: > 0 } home ? home
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } profile ? profile
            : null;
    }
}
