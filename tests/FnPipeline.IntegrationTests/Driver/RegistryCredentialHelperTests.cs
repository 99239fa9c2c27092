using System.Runtime.Versioning;
using FnPipeline.Docker;
using FnPipeline.Docker.Credentials;
using FnPipeline.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using static FnPipeline.IntegrationTests.Driver.DockerDriverTestKit;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>
/// Pulls from the local htpasswd registry with credentials that only a docker credential helper knows: a script
/// <c>docker-credential-fntest</c> on the driver's PATH (the process's environment is left alone), named by
/// <c>credHelpers</c> or <c>credsStore</c> of a real <c>config.json</c> in a <c>DOCKER_CONFIG</c> directory.
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
[SupportedOSPlatform("linux")]
public sealed class RegistryCredentialHelperTests(EngineFixture engine, RegistryImageFixture registry)
    : IClassFixture<RegistryImageFixture>, IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fnpl-it-creds-").FullName;

    private string HelperBin => Path.Combine(_directory, "bin");

    private string ConfigDirectory => Path.Combine(_directory, "docker");

    private string ConfigFile => Path.Combine(ConfigDirectory, "config.json");

    private string CallsFile => Path.Combine(_directory, "calls");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(HelperBin);
        Directory.CreateDirectory(ConfigDirectory);

        // Knows the registry's user for 127.0.0.1:5000 only; records every address it is asked about.
        AddHelper("fntest", $$"""
            read -r server
            printf '%s\n' "$server" >> '{{CallsFile}}'
            if [ "$server" = "{{RegistryImageFixture.Registry}}" ]; then
              printf '{"ServerURL":"%s","Username":"{{RegistryImageFixture.User}}","Secret":"{{RegistryImageFixture.Password}}"}' "$server"
            else
              echo 'credentials not found in native keychain'; exit 1
            fi
            """);
        AddHelper("fnbroken", "echo 'error getting credentials - the vault is sealed' >&2; exit 7");
        await registry.ForgetAsync();
    }

    public async Task DisposeAsync()
    {
        await registry.ForgetAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task CredHelpers_PullThatNeedsAuth_Succeeds()
    {
        await File.WriteAllTextAsync(ConfigFile, """{"credHelpers":{"127.0.0.1:5000":"fntest"}}""");
        await using var driver = Driver();

        await driver.EnsureImageAsync(registry.Image, credentials: null);

        (await registry.IsPresentAsync(registry.Image)).ShouldBeTrue();
        (await File.ReadAllLinesAsync(CallsFile)).ShouldBe([RegistryImageFixture.Registry]);
    }

    [Fact]
    public async Task CredsStore_PullThatNeedsAuth_Succeeds_OverAnAuthsEntryWithAWrongPassword()
    {
        var wrong = Convert.ToBase64String("fnuser:wrong"u8.ToArray());
        await File.WriteAllTextAsync(ConfigFile, """{"credsStore":"fntest","auths":{"127.0.0.1:5000":{"auth":"WRONG"}}}""".Replace("WRONG", wrong, StringComparison.Ordinal));
        await using var driver = Driver();

        await driver.EnsureImageAsync(registry.Image, credentials: null);

        (await registry.IsPresentAsync(registry.Image)).ShouldBeTrue();
        (await File.ReadAllLinesAsync(CallsFile)).ShouldBe([RegistryImageFixture.Registry]);
    }

    [Fact]
    public async Task MissingHelper_IsAClearError_AndNothingIsPulled()
    {
        await File.WriteAllTextAsync(ConfigFile, """{"credsStore":"not-installed"}""");
        await using var driver = Driver();

        var error = await Should.ThrowAsync<FnConfigurationException>(() => driver.EnsureImageAsync(registry.Image, credentials: null));

        error.ConfigurationSource.ShouldBe(ConfigFile);
        error.Message.ShouldBe(
            $"Credential helper docker-credential-not-installed (credsStore in Docker config file {ConfigFile}) is not on PATH: " +
            "install it, or remove it from the configuration");
        driver.PullTransfersStarted.ShouldBe(0);
    }

    [Fact]
    public async Task FailingHelper_IsAClearError_WithItsWords()
    {
        await File.WriteAllTextAsync(ConfigFile, """{"credHelpers":{"127.0.0.1:5000":"fnbroken"}}""");
        await using var driver = Driver();

        var error = await Should.ThrowAsync<FnConfigurationException>(() => driver.EnsureImageAsync(registry.Image, credentials: null));

        error.Message.ShouldBe(
            $"Credential helper docker-credential-fnbroken (credHelpers[\"{RegistryImageFixture.Registry}\"] in Docker config file {ConfigFile}) " +
            $"failed for {RegistryImageFixture.Registry} with exit code 7: error getting credentials - the vault is sealed");
        driver.PullTransfersStarted.ShouldBe(0);
    }

    [Fact]
    public async Task MalformedConfigFile_FailsOnlyThePullThatNeedsCredentials_NamingFileAndPosition()
    {
        await File.WriteAllTextAsync(ConfigFile, "{\n  \"credsStore\": \"fntest\"\n  \"auths\": {}\n}\n");
        await using var driver = Driver();

        await driver.EnsureImageAsync(TestImages.Busybox, credentials: null);
        var error = await Should.ThrowAsync<FnConfigurationException>(() => driver.EnsureImageAsync(registry.Image, credentials: null));

        error.ConfigurationSource.ShouldBe(ConfigFile);
        error.Message.ShouldStartWith($"Docker config file {ConfigFile} is not valid JSON at line 3, column 3: ");
        File.Exists(CallsFile).ShouldBeFalse();
    }

    private DockerContainerDriver Driver()
    {
        var path = HelperBin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        string? Variable(string name) => name switch
        {
            "PATH" => path,
            "DOCKER_CONFIG" => ConfigDirectory,
            _ => null,
        };

        var options = new FnPipelineOptions
        {
            DockerEndpoint = engine.Endpoint.ToString(),
            InstanceId = "it-" + Guid.NewGuid().ToString("N")[..12],
            ReapOrphans = false,
        };
        var settings = ExecutorSettings.FromValidated(options).Driver with
        {
            ExtraLabels = TestLabels(),
            Credentials = new RegistryCredentialInputs(null, Variable, HomeDirectory: null),
        };
        return new DockerContainerDriver(settings, NullLoggerFactory.Instance, TimeProvider.System, client: null);
    }

    private void AddHelper(string name, string body)
    {
        var file = Path.Combine(HelperBin, CredentialHelper.ProgramPrefix + name);
        File.WriteAllText(file, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
