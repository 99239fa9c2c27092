using FnPipeline.Docker;
using FnPipeline.HotPool;
using FnPipeline.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline.IntegrationTests.Hot;

/// <summary>
/// An executor with the hot pool on the test engine, its own socket base directory (short, under /tmp), and calls
/// that carry the test-run labels. Disposing it disposes the executor and checks that nothing is left.
/// </summary>
internal sealed class HotExecutorKit : IAsyncDisposable
{
    private HotExecutorKit(EngineFixture engine, FnPipelineOptions options, ILoggerFactory logs)
    {
        Engine = engine;
        Options = options;
        var settings = ExecutorSettings.Resolve(options);
        var driver = new DockerContainerDriver(settings.Driver, logs, TimeProvider.System, client: null);
        Executor = new FnExecutor(
            settings,
            driver,
            (specs, metrics) => Dispatcher = HotCallDispatcher.Create(driver, settings.Hot, specs, metrics, TimeProvider.System, logs),
            logs,
            TimeProvider.System);
    }

    public EngineFixture Engine { get; }

    public FnPipelineOptions Options { get; }

    public FnExecutor Executor { get; }

    public HotCallDispatcher Dispatcher { get; private set; } = null!;

    public string BaseDirectory => Options.Hot.SocketBaseDirectory!;

    public static async Task<HotExecutorKit> StartAsync(EngineFixture engine, Action<FnPipelineOptions>? configure = null, ILoggerFactory? logs = null)
    {
        var baseDirectory = Path.Join("/tmp", "fnph-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(baseDirectory);
        var options = new FnPipelineOptions
        {
            DockerEndpoint = engine.Endpoint.ToString(),
            InstanceId = "hot" + Guid.NewGuid().ToString("N")[..9],
            ReapOrphans = false,
            DrainTimeout = TimeSpan.FromSeconds(20),
        };
        options.Hot.SocketBaseDirectory = baseDirectory;
        configure?.Invoke(options);
        var kit = new HotExecutorKit(engine, options, logs ?? NullLoggerFactory.Instance);
        await kit.Executor.StartAsync();
        return kit;
    }

    public static FunctionCall Call(string image, string input = "", params string[] command) => new()
    {
        Image = image,
        Format = FunctionFormat.HttpStream,
        Input = CallInput.FromString(input),
        Command = command.Length == 0 ? null : command,
        Labels = new Dictionary<string, string> { ["fnpipeline.test"] = "1", [TestRun.RunLabelKey] = TestRun.Id },
        Timeout = TimeSpan.FromSeconds(30),
        AppId = "app-it",
        AppName = "it",
        FunctionId = "fn-it",
        FunctionName = "hot",
    };

    public Task<InvocationResult> InvokeAsync(FunctionCall call, CancellationToken cancellationToken = default) =>
        Executor.InvokeAsync(call, cancellationToken);

    /// <summary>Ids of this executor's containers as the engine lists them (running, paused or stopped).</summary>
    public Task<IReadOnlyList<string>> ContainersAsync() =>
        Containers.ListByLabelAsync(Engine.Client, $"fnpipeline.instance={Executor.InstanceId}");

    public async Task<bool> IsPausedAsync(string containerId) =>
        (await Engine.Client.Containers.InspectContainerAsync(containerId)).State?.Paused == true;

    /// <summary>The hot socket directories (<c>iofs-*</c>); the owner lock and its marker directory sit beside them.</summary>
    public IReadOnlyList<string> SocketDirectories() => Directory.GetDirectories(BaseDirectory, "iofs-*");

    /// <summary>Polls until <paramref name="condition"/> holds, failing after <paramref name="seconds"/> (the kit's <see cref="Eventually"/>).</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 20) =>
        Eventually.HoldsAsync(condition, TimeSpan.FromSeconds(seconds), what);

    public async ValueTask DisposeAsync()
    {
        await Executor.DisposeAsync();

        // Bounded poll: a removal that races another remover (a reaper elsewhere) finishes a moment later.
        await EventuallyAsync(async () => (await ContainersAsync()).Count == 0, $"no container of executor {Executor.InstanceId} remains", seconds: 10);
        SocketDirectories().ShouldBeEmpty("socket directories remain");
        Directory.Delete(BaseDirectory, recursive: true);
    }
}
