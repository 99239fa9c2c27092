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

    private ExecutorTarget(FnExecutor executor, string socketDirectory)
    {
        Executor = executor;
        _socketDirectory = socketDirectory;
    }

    public FnExecutor Executor { get; }

    public static ExecutorTarget Create(DriverKind driver)
    {
        var options = new FnPipelineOptions { InstanceId = $"load{Random.Shared.Next(100_000, 999_999)}" };
        var directory = Directory.CreateTempSubdirectory("fnl-").FullName;
        options.Hot.SocketBaseDirectory = directory;
        try
        {
            return new ExecutorTarget(driver == DriverKind.Fake ? FakeEngine.CreateExecutor(options) : FnExecutor.Create(options), directory);
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
