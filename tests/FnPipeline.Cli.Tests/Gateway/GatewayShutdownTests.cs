using System.Net;
using System.Text.Json;
using FnPipeline.Cli.Functions;
using FnPipeline.Cli.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>The gateway's shutdown settings and answers, in-process (no engine: the executor is never started).</summary>
public sealed class GatewayShutdownTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fnpipe-shutdown-").FullName;

    [Fact]
    public async Task HostShutdownTimeout_IsTheDrainTimeoutPlusTheAnswerGrace()
    {
        var app = GatewayHost.Build(
            new GatewaySettings { Urls = ["http://127.0.0.1:0"] },
            await FunctionsAsync(),
            o => { o.DrainTimeout = TimeSpan.FromSeconds(3); o.DockerEndpoint = "unix:///nonexistent/docker.sock"; },
            LogLevel.None);
        await using (app)
        {
            app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout.ShouldBe(TimeSpan.FromSeconds(3) + GatewayHost.AnswerGrace);
        }
    }

    [Fact]
    public async Task RequestAfterTheExecutorBeganDraining_Is503ShuttingDown()
    {
        var app = GatewayHost.Build(
            new GatewaySettings { Urls = ["http://127.0.0.1:0"] }, await FunctionsAsync(), o => o.DockerEndpoint = "unix:///nonexistent/docker.sock", LogLevel.None);
        await using (app)
        {
            await app.Services.GetRequiredService<IFnExecutor>().DisposeAsync();
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(GatewayHost.Addresses(app)[0]) };

            using var response = await client.PostAsync("/invoke/echo", new StringContent("late"));

            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
            response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(GatewaySettings.DefaultRetryAfterSeconds));
            using var json = JsonDocument.Parse(body);
            json.RootElement.GetProperty("message").GetString().ShouldBe("The gateway is shutting down");
            await app.StopAsync();
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<FunctionsFile> FunctionsAsync()
    {
        var file = Path.Combine(_directory, "functions.yaml");
        await File.WriteAllTextAsync(file, "functions:\n  - name: echo\n    image: fnpipeline/testfn:latest\n");
        return FunctionsFile.Load(file);
    }
}
