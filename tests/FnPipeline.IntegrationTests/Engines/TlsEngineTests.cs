using System.Security.Cryptography;
using System.Text;
using FnPipeline.Docker.Engine;
using FnPipeline.IntegrationTests.Infrastructure;
using FnPipeline.Testing.Engine;
using static FnPipeline.IntegrationTests.Engines.EngineKit;

namespace FnPipeline.IntegrationTests.Engines;

/// <summary>A dockerd that serves TLS with client certificates (<see cref="TlsEngineFixture"/>), found as the docker CLI finds it.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class TlsEngineTests(TlsEngineFixture tls) : IClassFixture<TlsEngineFixture>
{
    [Fact]
    public async Task DockerTlsVerify_WithCertPath_RunsAColdCallOverTls()
    {
        var discovery = Discovery(new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = tls.Address, ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = tls.CertPath,
        });
        await using var executor = Executor(discovery, out _);
        await executor.StartAsync();

        using var result = await executor.InvokeAsync(ColdCall("hello over tls"));

        result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
        result.OutputAsString().ShouldBe("hello over tls");
        await AssertNoContainersLeftAsync(tls.UnixAddress, executor);
    }

    [Fact]
    public async Task HttpsAddress_WithCertPath_PassesTheProbe()
    {
        var status = await ProbeAsync(Discovery(new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = $"https://127.0.0.1:{tls.Port}", ["DOCKER_CERT_PATH"] = tls.CertPath,
        }));

        status.Problem.ShouldBeNull(status.Describe());
        status.Identity!.Product.ShouldBe(EngineProducts.Docker);
        status.Endpoint.Tls.ShouldNotBeNull();
    }

    [Fact]
    public async Task PlainTcp_ToTheTlsPort_FailsStartUpSayingTheEngineSpeaksTls()
    {
        var discovery = Discovery(new Dictionary<string, string> { ["DOCKER_HOST"] = tls.Address });
        await using var executor = Executor(discovery, out _);

        var error = await Should.ThrowAsync<FnEngineException>(() => executor.StartAsync());

        error.Message.ShouldContain($"127.0.0.1:{tls.Port}");
        error.Message.ShouldContain("speaks TLS");
        error.Message.ShouldContain("DOCKER_TLS_VERIFY");
    }

    [Fact]
    public async Task ACaThatDidNotSignTheEngine_FailsTheTlsCheck()
    {
        var status = await ProbeAsync(Discovery(new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = tls.Address, ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = tls.WrongCaCertPath,
        }));

        status.Problem.ShouldNotBeNull();
        status.Problem.Kind.ShouldBe(EngineProblemKind.TlsFailed, status.Describe());
        status.Problem.Message.ShouldContain($"127.0.0.1:{tls.Port}");
        status.Problem.Fix.ShouldContain("ca.pem");
    }

    [Fact]
    public async Task NoClientCertificate_IsRefusedByTheEngine()
    {
        var empty = EngineDaemon.NewDirectory("fnpe-nocert");
        try
        {
            var status = await ProbeAsync(Discovery(new Dictionary<string, string>
            {
                ["DOCKER_HOST"] = tls.Address, ["DOCKER_TLS"] = "1", ["DOCKER_CERT_PATH"] = empty,
            }));

            status.Problem.ShouldNotBeNull();
            status.Problem.Kind.ShouldBeOneOf(EngineProblemKind.TlsFailed, EngineProblemKind.Unreachable);
            status.Problem.Message.ShouldContain($"127.0.0.1:{tls.Port}");
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task CurrentContext_WithItsTlsFolder_ReachesTheTlsEngine()
    {
        var config = EngineDaemon.NewDirectory("fnpe-ctx");
        try
        {
            const string name = "fnpipe-tls";
            var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
            Directory.CreateDirectory(Path.Join(config, "contexts", "meta", id));
            await File.WriteAllTextAsync(Path.Join(config, "config.json"), $$"""{"currentContext":"{{name}}"}""");
            await File.WriteAllTextAsync(Path.Join(config, "contexts", "meta", id, "meta.json"),
                System.Text.Json.JsonSerializer.Serialize(new { Name = name, Metadata = new { }, Endpoints = new { docker = new { Host = tls.Address, SkipTLSVerify = false } } }));
            var tlsFolder = Path.Join(config, "contexts", "tls", id, "docker");
            Directory.CreateDirectory(tlsFolder);
            foreach (var file in new[] { "ca.pem", "cert.pem", "key.pem" })
            {
                File.Copy(Path.Join(tls.CertPath, file), Path.Join(tlsFolder, file));
            }

            var status = await ProbeAsync(Discovery(new Dictionary<string, string> { ["DOCKER_CONFIG"] = config }));

            status.Problem.ShouldBeNull(status.Describe());
            status.Endpoint.Source.ShouldContain($"docker context '{name}'");
            status.Endpoint.Tls!.Verify.ShouldBeTrue();
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }
}
