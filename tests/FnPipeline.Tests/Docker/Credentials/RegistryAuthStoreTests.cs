using System.Text;
using FnPipeline.Docker.Credentials;

namespace FnPipeline.Tests.Docker.Credentials;

public sealed class RegistryAuthStoreTests
{
    private static string Auth(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static RegistryAuthStore Store(params (string Key, string User, string Password)[] entries) =>
        RegistryAuthStore.Parse(
            "{\"auths\":{" + string.Join(',', entries.Select(e => $"\"{e.Key}\":{{\"auth\":\"{Auth(e.User, e.Password)}\"}}")) + "}}");

    [Fact]
    public void Find_KeyWithIpAndPortButNoScheme_Matches()
    {
        var auth = Store(("127.0.0.1:5000", "fnuser", "fnpass")).Find("127.0.0.1:5000");

        auth.ShouldNotBeNull();
        (auth.Username, auth.Password, auth.ServerAddress).ShouldBe(("fnuser", "fnpass", "127.0.0.1:5000"));
    }

    [Fact]
    public void Find_KeyWithSchemeAndPath_MatchesItsHost()
    {
        Store(("https://registry.example.com/v1/", "u", "p")).Find("registry.example.com")!.Username.ShouldBe("u");
    }

    [Fact]
    public void Find_ParentDomainOfAnEntry_MatchesLikeFnsSubdomains()
    {
        var store = Store(("top.top.google.com", "u", "p"));

        store.Find("google.com")!.Username.ShouldBe("u");
        store.Find("top.google.com")!.Username.ShouldBe("u");
        store.Find("other.com").ShouldBeNull();
    }

    [Fact]
    public void Find_ExactHost_WinsOverAParentDomainMatch()
    {
        var store = Store(("a.example.com", "parent-match", "p"), ("example.com", "exact", "p"));

        store.Find("example.com")!.Username.ShouldBe("exact");
    }

    [Fact]
    public void Find_DockerHub_UsesIndexDockerIo()
    {
        Store(("https://index.docker.io/v1/", "hubuser", "p")).Find("")!.Username.ShouldBe("hubuser");
    }

    [Fact]
    public void Find_NoEntry_IsAnonymous() => RegistryAuthStore.Empty.Find("127.0.0.1:5000").ShouldBeNull();

    [Fact]
    public void Parse_UsernameAndPasswordFields_AreReadWithoutAuth()
    {
        var store = RegistryAuthStore.Parse("""{"auths":{"r.io":{"username":"u","password":"p","identitytoken":"t"}}}""");

        var auth = store.Find("r.io")!;
        (auth.Username, auth.Password, auth.IdentityToken).ShouldBe(("u", "p", "t"));
    }

    [Fact]
    public void Parse_MalformedEntry_IsSkippedWithAProblem_NotFatal()
    {
        var store = RegistryAuthStore.Parse("""{"auths":{"bad.io":{"auth":"***"},"good.io":{"auth":"dTpw"}}}""");

        store.Entries.Select(e => e.Host).ShouldBe(["good.io"]);
        store.Problems.ShouldHaveSingleItem().ShouldStartWith("bad.io:");
    }

    [Fact]
    public void Parse_NoAuthsSection_IsEmpty() => RegistryAuthStore.Parse("""{"credsStore":"desktop"}""").Entries.ShouldBeEmpty();

    [Theory]
    [InlineData("top.top.google.com", new[] { "top.top.google.com", "top.google.com", "google.com" })]
    [InlineData("top.google.com:443", new[] { "top.google.com:443", "google.com:443" })]
    [InlineData("google.com", new[] { "google.com" })]
    [InlineData("127.0.0.1:5000", new[] { "127.0.0.1:5000" })]
    [InlineData("", new[] { "" })]
    public void Subdomains_AreEverySuffixOfAtLeastTwoLabels(string host, string[] expected) =>
        RegistryAuthStore.Subdomains(host).ShouldBe(expected);
}
