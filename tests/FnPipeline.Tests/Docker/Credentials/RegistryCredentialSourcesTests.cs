using FnPipeline.Docker.Credentials;

namespace FnPipeline.Tests.Docker.Credentials;

/// <summary>Which documents are read, in which order: FNPIPELINE_DOCKER_AUTH alone, else DOCKER_AUTH_CONFIG then config.json.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RegistryCredentialSourcesTests : IDisposable
{
    private readonly HelperDirectory _env = new();
    private readonly string _configDirectory = Directory.CreateTempSubdirectory("fnpl-dockercfg-").FullName;
    private readonly string _home = Directory.CreateTempSubdirectory("fnpl-home-").FullName;

    public void Dispose()
    {
        _env.Dispose();
        Directory.Delete(_configDirectory, recursive: true);
        Directory.Delete(_home, recursive: true);
    }

    private RegistryCredentialSources Load(string? option = null) =>
        RegistryCredentialSources.Load(new RegistryCredentialInputs(option, _env.Get, _home));

    private static string Auths(string host) => "{\"auths\":{\"" + host + "\":{\"auth\":\"dTpw\"}}}";

    [Fact]
    public void Option_IsTheOnlySource_WhenSet()
    {
        File.WriteAllText(Path.Combine(_configDirectory, "config.json"), Auths("file.io"));
        _env.Set("DOCKER_CONFIG", _configDirectory).Set("DOCKER_AUTH_CONFIG", Auths("env.io"));

        var sources = Load(Auths("option.io"));

        sources.Documents.Select(d => d.Source.Name).ShouldBe(["FNPIPELINE_DOCKER_AUTH"]);
        sources.Documents[0].Auths.Entries.Single().Host.ShouldBe("option.io");
    }

    [Fact]
    public void DockerAuthConfig_ComesBeforeTheConfigFile()
    {
        var file = Path.Combine(_configDirectory, "config.json");
        File.WriteAllText(file, Auths("file.io"));
        _env.Set("DOCKER_CONFIG", _configDirectory).Set("DOCKER_AUTH_CONFIG", Auths("env.io"));

        var sources = Load();

        sources.Documents.Select(d => d.Source.Name).ShouldBe(["DOCKER_AUTH_CONFIG", file]);
    }

    [Fact]
    public void DockerConfig_IsTheOnlyDirectory_LikeTheDockerCli()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".docker"));
        File.WriteAllText(Path.Combine(_home, ".docker", "config.json"), Auths("home.io"));
        _env.Set("DOCKER_CONFIG", _configDirectory);

        var sources = Load();

        sources.Documents.ShouldBeEmpty();
        sources.Consulted.ShouldBe(["DOCKER_AUTH_CONFIG", Path.Combine(_configDirectory, "config.json")]);
        sources.Describe().ShouldStartWith("none (DOCKER_AUTH_CONFIG, " + Path.Combine(_configDirectory, "config.json"));
    }

    [Fact]
    public void WithoutDockerConfig_TheHomeDirectoryIsRead()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".docker"));
        File.WriteAllText(Path.Combine(_home, ".docker", "config.json"), """{"credsStore":"pass","credHelpers":{"gcr.io":"gcloud"}}""");

        var sources = Load();

        sources.Describe().ShouldBe(
            $"Docker config file {Path.Combine(_home, ".docker", "config.json")}: credHelpers for gcr.io (docker-credential-gcloud); credsStore docker-credential-pass");
    }

    [Fact]
    public void MalformedFile_IsOneErrorNamingIt()
    {
        var file = Path.Combine(_configDirectory, "config.json");
        File.WriteAllText(file, "{\"auths\": {}\n}}");
        _env.Set("DOCKER_CONFIG", _configDirectory);

        var error = Should.Throw<FnConfigurationException>(() => Load());

        error.ConfigurationSource.ShouldBe(file);
        error.Message.ShouldStartWith($"Docker config file {file} is not valid JSON at line 2, column 2: ");
    }

    [Fact]
    public void MalformedOption_NamesTheVariableAndTheOption()
    {
        var error = Should.Throw<FnConfigurationException>(() => Load("{auths:{}}"));

        error.ConfigurationSource.ShouldBe("FNPIPELINE_DOCKER_AUTH");
        error.Message.ShouldStartWith("FNPIPELINE_DOCKER_AUTH (option DockerAuthJson) is not valid JSON at line 1, column 2: ");
    }
}
