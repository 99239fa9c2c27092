using FnPipeline.Cli.Functions;
using FnPipeline.Cli.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>fnpipe serve gets its executor the way any host does, through AddFnPipeline, on the settings serve resolved (in-process, no engine).</summary>
public sealed class GatewayExecutorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fnpipe-gwexec-").FullName;

    [Fact]
    public async Task Executor_IsAddFnPipelinesOne_OnServesOptions()
    {
        var file = Path.Combine(_directory, "functions.yaml");
        await File.WriteAllTextAsync(file, "functions:\n  - name: echo\n    image: fnpipeline/testfn:latest\n");
        var app = GatewayHost.Build(new GatewaySettings { Urls = ["http://127.0.0.1:0"] }, FunctionsFile.Load(file),
            o =>
            {
                o.DockerEndpoint = "unix:///nonexistent/docker.sock";
                o.InstanceId = "servedi";
                o.MaxContainers = 3;
            },
            LogLevel.None);
        await using (app)
        {
            var executor = app.Services.GetRequiredService<IFnExecutor>();

            // FnExecutor is registered by AddFnPipeline only; the interface resolves to that one instance.
            executor.ShouldBeSameAs(app.Services.GetRequiredService<FnExecutor>());
            executor.InstanceId.ShouldBe("servedi");
            app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FnPipelineOptions>>().Value.MaxContainers.ShouldBe(3);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
