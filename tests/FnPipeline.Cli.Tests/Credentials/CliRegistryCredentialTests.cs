using System.Runtime.Versioning;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Credentials;

/// <summary>
/// <c>fnpipe invoke</c> and <c>fnpipe doctor</c> with registry credentials as the docker CLI keeps them: a pull from
/// the local htpasswd registry (scripts/registry-up.sh) through a credential helper, and the one clear error (exit 2,
/// no stack trace) of a malformed config.json or a missing helper.
/// </summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
[SupportedOSPlatform("linux")]
public sealed class CliRegistryCredentialTests(EngineFixture engine) : IAsyncLifetime
{
    private const string Repository = CredentialSetup.Registry + "/fnpipeline/cli-creds";
    private readonly CredentialSetup _setup = new();
    private readonly string _image = $"{Repository}:run-{Guid.NewGuid():N}"[..(Repository.Length + 16)];

    public async Task InitializeAsync()
    {
        // Our own tag in the registry, absent from the engine: each pull is real and touches no other suite's image.
        var tag = _image[(Repository.Length + 1)..];
        await engine.Client.Images.TagImageAsync(TestImages.Busybox, new ImageTagParameters { RepositoryName = Repository, Tag = tag });
        var pushed = new PushErrors();
        await engine.Client.Images.PushImageAsync(_image, new ImagePushParameters { Tag = tag },
            new AuthConfig { Username = "fnuser", Password = "fnpass", ServerAddress = CredentialSetup.Registry }, pushed);
        pushed.Error.ShouldBeNull($"pushing {_image} to the test registry failed; start it with 'sudo bash scripts/registry-up.sh'");
        await ForgetAsync();
    }

    public async Task DisposeAsync()
    {
        await ForgetAsync();
        _setup.Delete();
    }

    [Fact]
    public async Task Invoke_ImageBehindAuth_IsPulledThroughCredHelpers()
    {
        _setup.WriteConfig("""{"credHelpers":{"127.0.0.1:5000":"fntest"}}""");

        var result = await InvokeAsync(_image, _setup.Environment());

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldBe("through the helper");
    }

    [Fact]
    public async Task Invoke_ImageBehindAuth_IsPulledThroughACredsStoreInDockerAuthConfig()
    {
        var result = await InvokeAsync(_image, _setup.Environment(("DOCKER_AUTH_CONFIG", """{"credsStore":"fntest"}""")));

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldBe("through the helper");
    }

    [Fact]
    public async Task Invoke_MalformedConfigJson_LocalImageRuns_PullingCallExits2NamingFileAndPosition()
    {
        _setup.WriteConfig("{\n  \"credHelpers\": {\"127.0.0.1:5000\": \"fntest\"},\n  \"auths\": {,}\n}\n");

        var local = await InvokeAsync(TestImages.Busybox, _setup.Environment());
        var pulling = await InvokeAsync(_image, _setup.Environment());

        local.ExitCode.ShouldBe(0, local.StandardError);
        pulling.ExitCode.ShouldBe(2, pulling.StandardError);
        pulling.StandardError.ShouldStartWith($"fnpipe: Docker config file {_setup.ConfigFile} is not valid JSON at line 3, column 13: ");
        pulling.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        pulling.StandardError.ShouldNotContain(" at FnPipeline.");
    }

    [Fact]
    public async Task Invoke_MissingHelper_Exits2NamingIt()
    {
        _setup.WriteConfig("""{"credsStore":"not-installed"}""");

        var result = await InvokeAsync(_image, _setup.Environment());

        result.ExitCode.ShouldBe(2, result.StandardError);
        result.StandardError.ShouldBe(
            $"fnpipe: Credential helper docker-credential-not-installed (credsStore in Docker config file {_setup.ConfigFile}) is not on PATH: " +
            "install it, or remove it from the configuration\n");
    }

    [Fact]
    public async Task Doctor_MalformedConfigJson_FailsTheRegistryCheck_WithFileAndPosition()
    {
        _setup.WriteConfig("{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"x\"}}");

        var result = await Fnpipe.RunAsync(["doctor"], environment: _setup.Environment());

        result.ExitCode.ShouldBe(1, result.StandardOutput);
        result.StandardOutput.ShouldContain(
            $"  FAIL  registry auth    Docker config file {_setup.ConfigFile} is not valid JSON at line 1, column 44: ");
        result.StandardOutput.ShouldContain($"        fix: fix or remove {_setup.ConfigFile} (format: docs/configuration.md, registry credentials)\n");
    }

    [Fact]
    public async Task Doctor_HelperNotOnPath_Fails_HelperOnPath_IsOk()
    {
        _setup.WriteConfig("""{"credsStore":"fntest","credHelpers":{"gcr.io":"gcloud-absent"}}""");
        var missing = await Fnpipe.RunAsync(["doctor"], environment: _setup.Environment());
        _setup.WriteConfig("""{"credsStore":"fntest"}""");
        var present = await Fnpipe.RunAsync(["doctor"], environment: _setup.Environment());

        missing.StandardOutput.ShouldContain(
            $"  FAIL  registry auth    docker-credential-gcloud-absent (credHelpers[\"gcr.io\"] in Docker config file {_setup.ConfigFile}) is not on PATH. ");
        present.StandardOutput.ShouldContain(
            $"  ok    registry auth    Docker config file {_setup.ConfigFile}: credsStore docker-credential-fntest\n");
    }

    [Theory]
    [InlineData("DOCKER_AUTH_CONFIG", "Environment variable DOCKER_AUTH_CONFIG")]
    [InlineData("FNPIPELINE_DOCKER_AUTH", "FNPIPELINE_DOCKER_AUTH (option DockerAuthJson)")]
    public async Task MalformedCredentialVariable_PullingCallExits2_LocalImageRuns_DoctorFails_NamingItAndThePosition(string variable, string named)
    {
        _setup.WriteConfig("""{"credsStore":"fntest"}""");
        var environment = _setup.Environment((variable, "{\"auths\": {\"127.0.0.1:5000\": {"));

        var local = await InvokeAsync(TestImages.Busybox, environment);
        var pulling = await InvokeAsync(_image, environment);
        var doctor = await Fnpipe.RunAsync(["doctor"], environment: environment);

        local.ExitCode.ShouldBe(0, local.StandardError);
        pulling.ExitCode.ShouldBe(2, pulling.StandardError);
        pulling.StandardError.ShouldStartWith($"fnpipe: {named} is not valid JSON at line 1, column ");
        pulling.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        doctor.ExitCode.ShouldBe(1, doctor.StandardOutput);
        doctor.StandardOutput.ShouldContain($"  FAIL  registry auth    {named} is not valid JSON at line 1, column ");
        doctor.StandardError.ShouldBeEmpty();
    }

    private static Task<CliWrap.Buffered.BufferedCommandResult> InvokeAsync(string image, Dictionary<string, string?> environment) =>
        Fnpipe.RunAsync(["invoke", image, .. TestRun.LabelArguments, "--cmd", "sh", "-c", "printf 'through the helper'"], input: "", environment);

    private async Task ForgetAsync()
    {
        try
        {
            await engine.Client.Images.DeleteImageAsync(_image, new ImageDeleteParameters());
        }
        catch (DockerImageNotFoundException)
        {
        }
    }

    private sealed class PushErrors : IProgress<JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(JSONMessage value) => Error ??= value.Error?.Message;
    }
}
