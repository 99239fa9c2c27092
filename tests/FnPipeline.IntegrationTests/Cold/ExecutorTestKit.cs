using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.Cold;

/// <summary>Executors on the test engine, and calls that carry the test-run labels.</summary>
internal static class ExecutorTestKit
{
    public static FnExecutor Create(EngineFixture engine, Action<FnPipelineOptions>? configure = null)
    {
        var options = new FnPipelineOptions
        {
            DockerEndpoint = engine.Endpoint.ToString(),
            InstanceId = "it" + Guid.NewGuid().ToString("N")[..10],
            // Other suites share the engine: never reap their containers.
            ReapOrphans = false,
        };
        configure?.Invoke(options);
        return FnExecutor.Create(options);
    }

    public static FunctionCall Call(string image, string? input = null, params string[] command) => new()
    {
        Image = image,
        Input = input is null ? CallInput.Empty : CallInput.FromString(input),
        Command = command.Length == 0 ? null : command,
        Labels = new Dictionary<string, string> { ["fnpipeline.test"] = "1", [TestRun.RunLabelKey] = TestRun.Id },
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Containers of <paramref name="executor"/> that exist now, as the engine lists them.</summary>
    public static Task<IReadOnlyList<string>> ContainersOf(EngineFixture engine, IFnExecutor executor) =>
        Containers.ListByLabelAsync(engine.Client, $"fnpipeline.instance={executor.InstanceId}");

    /// <summary>Waits (bounded) until the engine lists no container of <paramref name="executor"/>.</summary>
    public static async Task AssertNoContainersLeftAsync(EngineFixture engine, IFnExecutor executor)
    {
        IReadOnlyList<string> left = [];
        await Eventually.HoldsAsync(
            async () => (left = await ContainersOf(engine, executor)).Count == 0,
            TimeSpan.FromSeconds(30),
            () => $"no container of executor {executor.InstanceId} remains (left: {string.Join(", ", left)})");
    }
}
