using System.Reflection;
using Docker.DotNet;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>What a macro benchmark needs from the machine.</summary>
public enum EngineFeature
{
    /// <summary>The Docker engine and the executor's Docker driver (default-format calls).</summary>
    Cold,

    /// <summary>As <see cref="Cold"/>, plus the executor's hot pool (http-stream calls).</summary>
    Hot,
}

/// <summary>Marks a macro benchmark class with the engine feature it needs.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEngineAttribute(EngineFeature feature) : Attribute
{
    public EngineFeature Feature { get; } = feature;
}

/// <summary>
/// Before macro benchmarks run: is the engine up, are the test images there, and can the executor run one cold and
/// one hot call? Anything missing becomes a reason printed next to the skipped benchmarks.
/// </summary>
internal sealed class EngineProbe
{
    private readonly Dictionary<EngineFeature, string?> _missing = [];

    public bool CanRun(Type type) => ReasonFor(type) is null;

    public string? ReasonFor(Type type) =>
        type.GetCustomAttribute<RequiresEngineAttribute>() is { } requirement ? _missing.GetValueOrDefault(requirement.Feature) : null;

    public static EngineProbe Run(TextWriter output)
    {
        output.WriteLine("// Probing the Docker engine for the macro benchmarks...");
        var probe = new EngineProbe();
        var engineProblem = ProbeEngineAsync().GetAwaiter().GetResult();
        if (engineProblem is not null)
        {
            probe._missing[EngineFeature.Cold] = engineProblem;
            probe._missing[EngineFeature.Hot] = engineProblem;
            return probe;
        }

        var (cold, hot) = ProbeExecutorAsync().GetAwaiter().GetResult();
        probe._missing[EngineFeature.Cold] = cold;
        probe._missing[EngineFeature.Hot] = cold ?? hot;
        output.WriteLine($"// Engine probe: cold calls {(cold is null ? "ok" : "unavailable")}, hot calls {((cold ?? hot) is null ? "ok" : "unavailable")}");
        return probe;
    }

    private static async Task<string?> ProbeEngineAsync()
    {
        try
        {
            using var client = BenchEngine.CreateDockerClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.System.PingAsync(timeout.Token);
            foreach (var image in new[] { BenchEngine.BusyboxImage, BenchEngine.TestFunctionImage })
            {
                try
                {
                    await client.Images.InspectImageAsync(image, timeout.Token);
                }
                catch (DockerImageNotFoundException)
                {
                    return $"image {image} is missing (run scripts/build-images.sh)";
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"the Docker engine at {BenchEngine.Endpoint} does not answer ({ex.GetType().Name}: {ex.Message}); start it with scripts/docker-up.sh";
        }
    }

    private static async Task<(string? Cold, string? Hot)> ProbeExecutorAsync()
    {
        FnExecutor executor;
        try
        {
            executor = BenchEngine.CreateExecutor("probe");
        }
        catch (NotImplementedException)
        {
            return ("the Docker driver is not wired into FnExecutor.Create yet (ExecutorFactory throws NotImplementedException)", null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ($"FnExecutor.Create failed: {ex.GetType().Name}: {ex.Message}", null);
        }

        try
        {
            var cold = await TryCallAsync(executor, BenchEngine.ColdCall(BenchEngine.Payload(16)));
            var hot = await TryCallAsync(executor, BenchEngine.HotCall(BenchEngine.Payload(16)));
            return (cold is null ? null : "a cold call through the executor failed: " + cold, hot is null ? null : "a hot call through the executor failed: " + hot);
        }
        finally
        {
            await BenchEngine.DisposeExecutorAsync(executor);
        }
    }

    private static async Task<string?> TryCallAsync(FnExecutor executor, FunctionCall call)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var result = await executor.InvokeAsync(call, timeout.Token);
            return result.Status == InvocationStatus.Success ? null : result.ToString();
        }
        catch (NotSupportedException ex)
        {
            return ex.Message;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }
}
