using FnPipeline.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace FnPipeline.IntegrationTests.Lifetime;

/// <summary>
/// <c>AddFnPipeline</c> under a Generic Host, configured from a section as appsettings.json would: the hosted start-up
/// check is on by default and fails the host's start with the engine's problem; off, the host starts; the registered
/// <see cref="IHealthCheck"/> (<c>fnpipeline-engine</c>) reports the real engine healthy and a missing one unhealthy.
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class HostedEngineCheckTests(EngineFixture engine) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fnphc-").FullName;

    private string MissingSocket => Path.Join(_directory, "no-engine.sock");

    [Fact]
    public async Task GenericHost_EngineMissing_StartFailsWithTheEnginesProblem_ByDefault()
    {
        using var host = BuildHost($"unix://{MissingSocket}");

        var error = await Should.ThrowAsync<FnEngineException>(() => host.StartAsync());

        error.Message.ShouldStartWith($"Engine unix://{MissingSocket}: ping failed: ");
        error.Message.ShouldContain("Fix: ");
    }

    [Fact]
    public async Task GenericHost_CheckEngineOnStartOff_Starts_AndTheHealthCheckNamesTheMissingEngine()
    {
        using var host = BuildHost($"unix://{MissingSocket}", ("CheckEngineOnStart", "false"));

        await host.StartAsync();
        try
        {
            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

            var entry = report.Entries["fnpipeline-engine"];
            entry.Status.ShouldBe(HealthStatus.Unhealthy);
            entry.Description.ShouldNotBeNull();
            entry.Description.ShouldContain(MissingSocket);
            entry.Description.ShouldContain("Fix: ");
            entry.Data["endpoint"].ToString().ShouldBe($"unix://{MissingSocket}");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task GenericHost_RealEngine_StartsAndTheHealthCheckIsHealthyWithTheEnginesApiVersion()
    {
        using var host = BuildHost(engine.Endpoint.ToString());

        await host.StartAsync();
        try
        {
            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

            report.Status.ShouldBe(HealthStatus.Healthy, report.Entries.Values.FirstOrDefault().Description);
            var entry = report.Entries["fnpipeline-engine"];
            entry.Tags.ShouldContain("engine");
            Version.Parse(entry.Data["apiVersion"].ToString()!).ShouldBeGreaterThanOrEqualTo(new Version(1, 33));
            entry.Data["endpoint"].ToString().ShouldBe(engine.Endpoint.ToString());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A host whose FnPipeline section names the engine (and <paramref name="more"/>); nothing set in code.</summary>
    private IHost BuildHost(string endpoint, params (string Key, string Value)[] more)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?>
        {
            ["FnPipeline:DockerEndpoint"] = endpoint,
            ["FnPipeline:InstanceId"] = "hc" + Guid.NewGuid().ToString("N")[..10],
            ["FnPipeline:ReapOrphans"] = "false",
            ["FnPipeline:Hot:SocketBaseDirectory"] = _directory,
        };
        foreach (var (key, value) in more)
        {
            settings[$"FnPipeline:{key}"] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddFnPipeline(builder.Configuration.GetSection("FnPipeline"));
        return builder.Build();
    }
}
