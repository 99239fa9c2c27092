using System.Runtime.Versioning;

namespace FnPipeline.Cli.Tests.Credentials;

/// <summary>
/// A temporary docker config directory (for <c>DOCKER_CONFIG</c>) and a bin directory holding
/// <c>docker-credential-fntest</c>, which answers the test registry's user for 127.0.0.1:5000 only, for fnpipe's
/// environment; the test process's own environment is left alone.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class CredentialSetup
{
    public const string Registry = "127.0.0.1:5000";

    public CredentialSetup()
    {
        Root = Directory.CreateTempSubdirectory("fnpl-cli-creds-").FullName;
        Directory.CreateDirectory(ConfigDirectory);
        Directory.CreateDirectory(Bin);
        var helper = Path.Combine(Bin, "docker-credential-fntest");
        File.WriteAllText(helper, $$"""
            #!/bin/sh
            read -r server
            if [ "$server" = "{{Registry}}" ]; then
              printf '{"ServerURL":"%s","Username":"fnuser","Secret":"fnpass"}' "$server"
            else
              echo 'credentials not found in native keychain'; exit 1
            fi

            """);
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Root { get; }

    public string ConfigDirectory => Path.Combine(Root, "docker");

    public string ConfigFile => Path.Combine(ConfigDirectory, "config.json");

    public string Bin => Path.Combine(Root, "bin");

    /// <summary>fnpipe's environment: DOCKER_CONFIG here, the helper first on PATH, plus <paramref name="extra"/>.</summary>
    public Dictionary<string, string?> Environment(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = ConfigDirectory,
            ["DOCKER_AUTH_CONFIG"] = null,
            ["FNPIPELINE_DOCKER_AUTH"] = null,
            ["PATH"] = Bin + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"),
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    public void WriteConfig(string json) => File.WriteAllText(ConfigFile, json);

    public void Delete() => Directory.Delete(Root, recursive: true);
}
