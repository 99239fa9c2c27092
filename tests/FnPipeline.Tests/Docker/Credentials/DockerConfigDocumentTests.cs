using FnPipeline.Docker.Credentials;

namespace FnPipeline.Tests.Docker.Credentials;

public sealed class DockerConfigDocumentTests
{
    private static readonly CredentialSource Variable = CredentialSource.Variable("DOCKER_AUTH_CONFIG");

    [Fact]
    public void Parse_MalformedJson_NamesTheSourceAndTheLineAndColumnFromOne()
    {
        var json = "{\n  \"auths\": {\n    \"r.io\": {\"auth\": \"dTpw\",}\n    oops\n  }\n}";

        var error = Should.Throw<FnConfigurationException>(() => DockerConfigDocument.Parse(json, Variable));

        error.ConfigurationSource.ShouldBe("DOCKER_AUTH_CONFIG");
        error.Message.ShouldStartWith("Environment variable DOCKER_AUTH_CONFIG is not valid JSON at line 4, column 5: ");
        error.Message.ShouldNotContain("LineNumber");
    }

    [Fact]
    public void Parse_TruncatedFile_NamesThePathAndWhereItEnded()
    {
        var error = Should.Throw<FnConfigurationException>(
            () => DockerConfigDocument.Parse("{\"auths\": {", CredentialSource.File("/home/u/.docker/config.json")));

        error.ConfigurationSource.ShouldBe("/home/u/.docker/config.json");
        error.Message.ShouldStartWith("Docker config file /home/u/.docker/config.json is not valid JSON at line 1, column 12: ");
    }

    [Theory]
    [InlineData("""[]""", "the document must be an object, not an array")]
    [InlineData("""{"auths":"r.io"}""", "'auths' must be an object, not a string")]
    [InlineData("""{"credsStore":7}""", "credsStore must be a string (a credential helper's name), not a number")]
    [InlineData("""{"credHelpers":["pass"]}""", "'credHelpers' must be an object, not an array")]
    [InlineData("""{"credHelpers":{"r.io":true}}""", "'credHelpers' entry \"r.io\" must be a string (a credential helper's name), not a boolean")]
    [InlineData("""{"credsStore":"../../bin/sh"}""", "credsStore is \"../../bin/sh\", not a credential helper name")]
    public void Parse_CredentialKeyOfTheWrongShape_IsOneErrorNamingTheKey(string json, string expected)
    {
        var error = Should.Throw<FnConfigurationException>(() => DockerConfigDocument.Parse(json, Variable));

        error.Message.ShouldStartWith("Environment variable DOCKER_AUTH_CONFIG: " + expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    [InlineData("""{"proxies":{"default":{}},"auths":null,"currentContext":"x"}""")]
    public void Parse_EmptyOrWithoutCredentials_HasNone(string json)
    {
        var document = DockerConfigDocument.Parse(json, Variable);

        (document.Auths.Entries.Count, document.CredsStore, document.CredHelpers.Count).ShouldBe((0, null, 0));
    }

    [Fact]
    public void HelperFor_CredHelpersEntry_WinsOverCredsStore_AndKeysAreHosts()
    {
        var document = DockerConfigDocument.Parse(
            """{"credsStore":"desktop","credHelpers":{"https://Registry.Example:5000/v2/":"fntest"},"auths":{"registry.example:5000":{}}}""", Variable);

        document.HelperFor(["registry.example:5000"]).ShouldBe(("fntest", "credHelpers[\"registry.example:5000\"]"));
        document.HelperFor(["other.io"]).ShouldBe(("desktop", "credsStore"));
    }

    [Fact]
    public void HelperFor_NoHelpers_IsNone_SoAuthsAnswer() =>
        DockerConfigDocument.Parse("""{"auths":{"r.io":{"auth":"dTpw"}}}""", Variable).HelperFor(["r.io"]).ShouldBeNull();

    [Fact]
    public void Load_MissingFile_IsNoDocument() =>
        DockerConfigDocument.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "config.json")).ShouldBeNull();
}
