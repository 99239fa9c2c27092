using FnPipeline.Docker.Credentials;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline.Tests.Docker.Credentials;

/// <summary>The resolver with real helper scripts (POSIX sh) run as the docker CLI runs them.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RegistryCredentialResolverTests : IDisposable
{
    private const string Registry = "registry.example:5000";
    private readonly HelperDirectory _helpers = new();

    public void Dispose() => _helpers.Dispose();

    private RegistryCredentialResolver Resolver(string json, TimeSpan? helperTimeout = null) =>
        new(new RegistryCredentialInputs(json, _helpers.Get, null) { HelperTimeout = helperTimeout ?? TimeSpan.FromSeconds(30) }, NullLogger.Instance);

    [Fact]
    public async Task CredHelper_GetsTheServerAddressOnStdin_AndItsAnswerIsUsed()
    {
        _helpers.AddAnswering("fntest", "helperuser", "helpersecret");

        var auth = await Resolver("""{"credHelpers":{"registry.example:5000":"fntest"}}""").ResolveAsync(Registry, CancellationToken.None);

        auth.ShouldNotBeNull();
        (auth.Username, auth.Password, auth.ServerAddress, auth.IdentityToken).ShouldBe(("helperuser", "helpersecret", Registry, null));
    }

    [Fact]
    public async Task CredsStore_AnswersForDockerHub_WithTheHubServerAddress()
    {
        _helpers.AddAnswering("store", "hubuser", "hubsecret");

        var auth = await Resolver("""{"credsStore":"store"}""").ResolveAsync("", CancellationToken.None);

        (auth!.Username, auth.ServerAddress).ShouldBe(("hubuser", "https://index.docker.io/v1/"));
    }

    [Fact]
    public async Task TokenUser_MeansTheSecretIsAnIdentityToken()
    {
        _helpers.AddAnswering("fntest", "<token>", "refresh-token");

        var auth = await Resolver("""{"credsStore":"fntest"}""").ResolveAsync(Registry, CancellationToken.None);

        (auth!.Username, auth.Password, auth.IdentityToken).ShouldBe((null, null, "refresh-token"));
    }

    [Fact]
    public async Task CredHelpersEntry_WinsOverCredsStoreAndAuths()
    {
        _helpers.AddAnswering("specific", "from-credhelpers", "s");
        _helpers.AddAnswering("store", "from-credsstore", "s");

        var auth = await Resolver("""{"credsStore":"store","credHelpers":{"registry.example:5000":"specific"},"auths":{"registry.example:5000":{"auth":"dTpw"}}}""")
            .ResolveAsync(Registry, CancellationToken.None);

        auth!.Username.ShouldBe("from-credhelpers");
    }

    [Fact]
    public async Task HelperWithoutCredentials_IsAnonymous_LikeTheDockerCli()
    {
        _helpers.AddNotFound("store");

        var auth = await Resolver("""{"credsStore":"store","auths":{"registry.example:5000":{"auth":"dTpw"}}}""").ResolveAsync(Registry, CancellationToken.None);

        auth.ShouldBeNull();
    }

    [Fact]
    public async Task HelperWithoutCredentials_PassesOnToTheConfigFile_AfterDockerAuthConfig()
    {
        _helpers.AddNotFound("envstore");
        var directory = Directory.CreateTempSubdirectory("fnpl-dockercfg-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "config.json"), """{"auths":{"registry.example:5000":{"username":"fileuser","password":"p"}}}""");
            _helpers.Set("DOCKER_CONFIG", directory).Set("DOCKER_AUTH_CONFIG", """{"credsStore":"envstore"}""");
            var resolver = new RegistryCredentialResolver(new RegistryCredentialInputs(null, _helpers.Get, null), NullLogger.Instance);

            var auth = await resolver.ResolveAsync(Registry, CancellationToken.None);

            auth!.Username.ShouldBe("fileuser");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task MissingHelper_IsAClearError_NamingTheProgramAndWhereItIsConfigured()
    {
        var error = await Should.ThrowAsync<FnConfigurationException>(
            () => Resolver("""{"credHelpers":{"registry.example:5000":"absent"}}""").ResolveAsync(Registry, CancellationToken.None));

        error.ConfigurationSource.ShouldBe("FNPIPELINE_DOCKER_AUTH");
        error.Message.ShouldBe(
            $"Credential helper docker-credential-absent (credHelpers[\"{Registry}\"] in FNPIPELINE_DOCKER_AUTH (option DockerAuthJson)) is not on PATH: " +
            "install it, or remove it from the configuration");
    }

    [Fact]
    public async Task FailingHelper_IsAClearError_WithItsExitCodeAndWords()
    {
        _helpers.Add("broken", "echo 'error getting credentials: keychain locked'; exit 3");

        var error = await Should.ThrowAsync<FnConfigurationException>(
            () => Resolver("""{"credsStore":"broken"}""").ResolveAsync(Registry, CancellationToken.None));

        error.Message.ShouldBe(
            $"Credential helper docker-credential-broken (credsStore in FNPIPELINE_DOCKER_AUTH (option DockerAuthJson)) failed for {Registry} " +
            "with exit code 3: error getting credentials: keychain locked");
    }

    [Fact]
    public async Task GarbageAnswer_IsAClearError_ThatDoesNotQuoteTheAnswer()
    {
        _helpers.Add("garbage", "echo 'Username=u Secret=topsecret'");

        var error = await Should.ThrowAsync<FnConfigurationException>(
            () => Resolver("""{"credsStore":"garbage"}""").ResolveAsync(Registry, CancellationToken.None));

        error.Message.ShouldContain("answered 28 characters for registry.example:5000 that are not the JSON object {\"ServerURL\",\"Username\",\"Secret\"}");
        error.Message.ShouldNotContain("topsecret");
    }

    [Fact]
    public async Task HangingHelper_IsStoppedAtTheTimeout_WithAClearError()
    {
        _helpers.Add("hangs", "exec sleep 600");

        var error = await Should.ThrowAsync<FnConfigurationException>(
            () => Resolver("""{"credsStore":"hangs"}""", TimeSpan.FromMilliseconds(300)).ResolveAsync(Registry, CancellationToken.None));

        error.Message.ShouldBe(
            $"Credential helper docker-credential-hangs (credsStore in FNPIPELINE_DOCKER_AUTH (option DockerAuthJson)) did not answer for {Registry} " +
            "within 0.3 s and was stopped");
    }

    [Fact]
    public async Task MalformedSource_FailsOnlyWhenCredentialsAreNeeded_AndAlwaysWithTheSameError()
    {
        var resolver = Resolver("{\"auths\": [");

        var first = await Should.ThrowAsync<FnConfigurationException>(() => resolver.ResolveAsync(Registry, CancellationToken.None));
        var second = await Should.ThrowAsync<FnConfigurationException>(() => resolver.ResolveAsync("other.io", CancellationToken.None));

        first.Message.ShouldStartWith("FNPIPELINE_DOCKER_AUTH (option DockerAuthJson) is not valid JSON at line 1, column 12: ");
        second.Message.ShouldBe(first.Message);
    }
}
