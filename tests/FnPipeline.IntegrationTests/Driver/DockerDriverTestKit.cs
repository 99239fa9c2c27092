using Docker.DotNet;
using ContainerInspectResponse = Docker.DotNet.Models.ContainerInspectResponse;
using FnPipeline.Docker;
using FnPipeline.Driver;
using FnPipeline.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>Builds drivers and specs for the driver tests; every container carries the test-run labels.</summary>
internal static class DockerDriverTestKit
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A driver on the test engine; orphan reaping is off (other suites share the engine).</summary>
    public static DockerContainerDriver CreateDriver(
        EngineFixture engine, Action<FnPipelineOptions>? configure = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        var options = new FnPipelineOptions
        {
            DockerEndpoint = engine.Endpoint.ToString(),
            InstanceId = "it-" + Guid.NewGuid().ToString("N")[..12],
            ReapOrphans = false,
        };
        configure?.Invoke(options);

        // Placeholders and other containers the driver makes itself carry the test-run labels too (leak check).
        // Not validated: driver tests give the driver what validation would refuse (e.g. "17.10.0-ce", a missing file).
        var settings = ExecutorSettings.FromValidated(options).Driver with { ExtraLabels = TestLabels() };
        return new DockerContainerDriver(
            settings, loggerFactory ?? FileLoggerProvider.FromEnvironment() ?? NullLoggerFactory.Instance, TimeProvider.System, client: null);
    }

    public static async Task<DockerContainerDriver> StartDriverAsync(EngineFixture engine, Action<FnPipelineOptions>? configure = null)
    {
        var driver = CreateDriver(engine, configure);
        try
        {
            using var timeout = new CancellationTokenSource(RunTimeout);
            await driver.InitializeAsync(timeout.Token);
            return driver;
        }
        catch
        {
            await driver.DisposeAsync();
            throw;
        }
    }

    public static ContainerSpec Spec(string image, params string[] command) => new()
    {
        Name = "fnpl-it-drv-" + Guid.NewGuid().ToString("N")[..16],
        Image = image,
        Command = command.Length == 0 ? null : command,
        Labels = TestLabels(),
        Init = false,
        AttachStdin = true,
    };

    public static Dictionary<string, string> TestLabels() => new()
    {
        ["fnpipeline.test"] = "1",
        [TestRun.RunLabelKey] = TestRun.Id,
    };

    public static ContainerIo Io(string? input, CollectingSink? stdout = null, CollectingSink? stderr = null) => new()
    {
        Input = input is null ? null : CallInput.FromString(input),
        Stdout = stdout ?? new CollectingSink(),
        Stderr = stderr ?? new CollectingSink(),
    };

    /// <summary>Create, attach, start and wait; the handle is disposed (container removed) before returning.</summary>
    public static async Task<(ContainerExit Exit, string ContainerId)> RunAsync(DockerContainerDriver driver, ContainerSpec spec, ContainerIo io)
    {
        using var timeout = new CancellationTokenSource(RunTimeout);
        await using var handle = await driver.CreateContainerAsync(spec, timeout.Token);
        var running = await handle.AttachAndStartAsync(io, timeout.Token);
        var exit = await running.WaitAsync(timeout.Token);
        return (exit, handle.Id);
    }

    public static async Task<bool> ContainerExistsAsync(IDockerClient client, string id)
    {
        try
        {
            await client.Containers.InspectContainerAsync(id);
            return true;
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
    }

    public static Task<ContainerInspectResponse> InspectAsync(IDockerClient client, string id) =>
        client.Containers.InspectContainerAsync(id);
}
