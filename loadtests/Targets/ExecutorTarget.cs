namespace FnPipeline.LoadTests.Targets;

/// <summary>Which engine the executor under load runs on.</summary>
internal enum DriverKind
{
    /// <summary>The real Docker engine (<c>DOCKER_HOST</c> or the default socket).</summary>
    Docker,

    /// <summary>The in-memory <see cref="FakeEngine"/>.</summary>
    Fake,
}

/// <summary>The executor a run loads, with its own instance id and hot socket directory (removed on dispose).</summary>
internal sealed class ExecutorTarget : IAsyncDisposable
{
    private readonly string _socketDirectory;

    private ExecutorTarget(FnExecutor executor, FnPipelineOptions options, string socketDirectory)
    {
        Executor = executor;
        Options = options;
        _socketDirectory = socketDirectory;
    }

    public FnExecutor Executor { get; }

    /// <summary>The options the executor was created with (engine endpoint, instance id, ...).</summary>
    public FnPipelineOptions Options { get; }

    /// <summary>The executor's hot socket base directory: one directory per hot container, each with its <c>lsnr.sock</c>.</summary>
    public string SocketDirectory => _socketDirectory;

    /// <summary>The sockets of the executor's hot containers now.</summary>
    public IReadOnlyList<string> HotSockets() =>
        Directory.EnumerateFiles(_socketDirectory, "lsnr.sock", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    /// <param name="driver">Which engine.</param>
    /// <param name="hotIdleTimeout">Idle time before a hot container is removed; longer than a baseline pass that reuses the containers.</param>
    /// <param name="startTimeout">The executor's start bound (queue, image, create, start), when the scenario judges calls by it.</param>
    public static ExecutorTarget Create(DriverKind driver, TimeSpan hotIdleTimeout, TimeSpan? startTimeout = null)
    {
        // FNPIPELINE_* variables apply as in fnpipe, so a setting can be compared run against run.
        var options = FnPipelineEnvironment.Apply(new FnPipelineOptions());
        options.InstanceId = $"load{Random.Shared.Next(100_000, 999_999)}";
        var directory = Directory.CreateTempSubdirectory("fnl-").FullName;
        options.Hot.SocketBaseDirectory = directory;
        options.Hot.IdleTimeout = hotIdleTimeout;
        if (startTimeout is { } bound)
        {
            options.StartTimeout = bound;
        }

        try
        {
            return new ExecutorTarget(driver == DriverKind.Fake ? FakeEngine.CreateExecutor(options) : FnExecutor.Create(options), options, directory);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Executor.DisposeAsync();
        try
        {
            Directory.Delete(_socketDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A socket directory the engine still holds for a moment; it is in the temp directory.
        }
    }
}
