using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FnPipeline.Docker.Engine;

namespace FnPipeline.Tests.Docker.Engine;

/// <summary>The docker CLI's order of engine settings, with variables and files the test makes (never the process's).</summary>
public sealed class EngineDiscoveryTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("fnpe-unit-").FullName;

    private string Missing => Path.Join(_home, "no-such.sock");

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private EngineDiscovery Discovery(Dictionary<string, string> variables, string? rootful = null)
    {
        variables.TryAdd("HOME", _home);
        return new EngineDiscovery(name => variables.GetValueOrDefault(name), rootful ?? Missing);
    }

    [Fact]
    public void ConfiguredEndpoint_WinsOverDockerHost() =>
        Discovery(new() { ["DOCKER_HOST"] = "tcp://remote:2375" }).Resolve("unix:///run/other.sock").Uri
            .ShouldBe(new Uri("unix:///run/other.sock"));

    [Fact]
    public void DockerHost_WinsOverContexts()
    {
        WriteContext("ctx", "unix:///run/ctx.sock", current: true);

        var endpoint = Discovery(new() { ["DOCKER_HOST"] = "tcp://remote:2375", ["DOCKER_CONTEXT"] = "ctx" }).Resolve(null);

        endpoint.Uri.ShouldBe(new Uri("tcp://remote:2375"));
        endpoint.Source.ShouldBe("DOCKER_HOST");
        endpoint.Tls.ShouldBeNull();
    }

    [Fact]
    public void CurrentContext_InConfigJson_NamesTheEngine()
    {
        WriteContext("ctx", "unix:///run/ctx.sock", current: true);

        var endpoint = Discovery([]).Resolve(null);

        endpoint.Uri.ShouldBe(new Uri("unix:///run/ctx.sock"));
        endpoint.Source.ShouldContain("docker context 'ctx'");
        endpoint.Source.ShouldContain("currentContext");
    }

    [Fact]
    public void DockerContextVariable_WinsOverCurrentContext()
    {
        WriteContext("current", "unix:///run/current.sock", current: true);
        WriteContext("chosen", "unix:///run/chosen.sock", current: false);

        Discovery(new() { ["DOCKER_CONTEXT"] = "chosen" }).Resolve(null).Uri.ShouldBe(new Uri("unix:///run/chosen.sock"));
    }

    [Fact]
    public void DefaultContext_MeansTheSockets()
    {
        var rootful = Path.Join(_home, "docker.sock");
        File.WriteAllText(rootful, "");

        Discovery(new() { ["DOCKER_CONTEXT"] = "default" }, rootful).Resolve(null).Uri.AbsolutePath.ShouldBe(rootful);
    }

    [Fact]
    public void MissingContext_IsAnErrorNamingIt()
    {
        var error = Should.Throw<InvalidOperationException>(() => Discovery(new() { ["DOCKER_CONTEXT"] = "nowhere" }).Resolve(null));

        error.Message.ShouldContain("docker context 'nowhere'");
        error.Message.ShouldContain("DOCKER_CONTEXT");
    }

    [Fact]
    public void MalformedConfigJson_NamesNoContext_TheDefaultEngineIsUsedAsTheDockerCliDoes()
    {
        Directory.CreateDirectory(Path.Join(_home, ".docker"));
        File.WriteAllText(Path.Join(_home, ".docker", "config.json"), "{\n  \"currentContext\": ");
        var rootful = Path.Join(_home, "docker.sock");
        File.WriteAllText(rootful, "");

        Discovery([], rootful).Resolve(null).Uri.AbsolutePath.ShouldBe(rootful);
    }

    [Fact]
    public void RootfulSocket_WhenItExists_WinsOverRootless()
    {
        var rootful = Path.Join(_home, "docker.sock");
        File.WriteAllText(rootful, "");
        File.WriteAllText(Path.Join(_home, "xdg-docker.sock"), "");

        Discovery(new() { ["XDG_RUNTIME_DIR"] = _home }, rootful).Resolve(null).Uri.AbsolutePath.ShouldBe(rootful);
    }

    [Fact]
    public void RootlessSocket_WhenNoRootfulOne()
    {
        var runtime = Directory.CreateDirectory(Path.Join(_home, "run")).FullName;
        File.WriteAllText(Path.Join(runtime, "docker.sock"), "");

        var endpoint = Discovery(new() { ["XDG_RUNTIME_DIR"] = runtime }).Resolve(null);

        endpoint.Uri.AbsolutePath.ShouldBe(Path.Join(runtime, "docker.sock"));
        endpoint.Source.ShouldContain("rootless");
    }

    [Fact]
    public void NoSocketAtAll_FallsBackToTheRootfulPath() =>
        Discovery([]).Resolve(null).Uri.AbsolutePath.ShouldBe(Missing);

    [Fact]
    public void TlsVerify_ReadsTheCertPath()
    {
        foreach (var file in new[] { "ca.pem", "cert.pem", "key.pem" })
        {
            File.WriteAllText(Path.Join(_home, file), "");
        }

        var endpoint = Discovery(new() { ["DOCKER_HOST"] = "tcp://h:2376", ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = _home }).Resolve(null);

        endpoint.Tls.ShouldBe(new EngineTls(true, Path.Join(_home, "ca.pem"), Path.Join(_home, "cert.pem"), Path.Join(_home, "key.pem")));
    }

    [Fact]
    public void TlsVerify_WithoutCa_SaysWhichFileIsMissing()
    {
        var error = Should.Throw<InvalidOperationException>(() =>
            Discovery(new() { ["DOCKER_HOST"] = "tcp://h:2376", ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = _home }).Resolve(null));

        error.Message.ShouldContain(Path.Join(_home, "ca.pem"));
    }

    [Fact]
    public void HttpsScheme_TurnsTlsOn_WithoutVerifying()
    {
        var endpoint = Discovery(new() { ["DOCKER_HOST"] = "https://h:2376" }).Resolve(null);

        endpoint.Tls.ShouldNotBeNull();
        endpoint.Tls.Verify.ShouldBeFalse();
    }

    [Fact]
    public void PlainTcp_HasNoTls() =>
        Discovery(new() { ["DOCKER_HOST"] = "tcp://h:2375" }).Resolve(null).Tls.ShouldBeNull();

    [Fact]
    public void Ssh_IsRefusedWithTheWayAround()
    {
        var error = Should.Throw<InvalidOperationException>(() => Discovery(new() { ["DOCKER_HOST"] = "ssh://me@host" }).Resolve(null));

        error.Message.ShouldContain("DOCKER_HOST");
        error.Message.ShouldContain("ssh -nNT -L");
    }

    [Fact]
    public void NotAnAddress_NamesTheSetting() =>
        Should.Throw<InvalidOperationException>(() => Discovery([]).Resolve("docker.sock")).Message.ShouldContain("FNPIPELINE_DOCKER_ENDPOINT");

    private void WriteContext(string name, string host, bool current)
    {
        var config = Path.Join(_home, ".docker");
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        Directory.CreateDirectory(Path.Join(config, "contexts", "meta", id));
        File.WriteAllText(
            Path.Join(config, "contexts", "meta", id, "meta.json"),
            JsonSerializer.Serialize(new { Name = name, Endpoints = new { docker = new { Host = host } } }));
        if (current)
        {
            File.WriteAllText(Path.Join(config, "config.json"), JsonSerializer.Serialize(new { currentContext = name }));
        }
    }
}
