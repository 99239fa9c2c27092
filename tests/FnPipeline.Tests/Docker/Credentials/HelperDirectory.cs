namespace FnPipeline.Tests.Docker.Credentials;

/// <summary>
/// A temporary directory of credential helper scripts (<c>docker-credential-&lt;name&gt;</c>, POSIX sh) and an
/// environment whose PATH starts with it, so that tests never change the process's environment.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class HelperDirectory : IDisposable
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public HelperDirectory()
    {
        Path = Directory.CreateTempSubdirectory("fnpl-credhelpers-").FullName;
        _variables["PATH"] = Path + System.IO.Path.PathSeparator + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin");
    }

    public string Path { get; }

    /// <summary>Writes an executable <c>docker-credential-<paramref name="name"/></c> running <paramref name="body"/>.</summary>
    public void Add(string name, string body)
    {
        var file = System.IO.Path.Combine(Path, "docker-credential-" + name);
        File.WriteAllText(file, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>A helper that answers <paramref name="user"/>/<paramref name="secret"/> for every address, echoing it as ServerURL.</summary>
    public void AddAnswering(string name, string user, string secret) =>
        Add(name, $$"""
            read -r server
            printf '{"ServerURL":"%s","Username":"{{user}}","Secret":"{{secret}}"}' "$server"
            """);

    /// <summary>A helper that has no credentials, in the words of docker-credential-helpers.</summary>
    public void AddNotFound(string name) => Add(name, "echo 'credentials not found in native keychain'; exit 1");

    public HelperDirectory Set(string name, string value)
    {
        _variables[name] = value;
        return this;
    }

    public string? Get(string name) => _variables.GetValueOrDefault(name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
