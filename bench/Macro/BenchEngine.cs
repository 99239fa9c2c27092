using System.Collections.Concurrent;
using Docker.DotNet;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>The engine, images, calls and executor settings the macro benchmarks share.</summary>
internal static class BenchEngine
{
    public const string BusyboxImage = FnPipeline.Testing.Engine.TestImages.Busybox;
    public const string TestFunctionImage = FnPipeline.Testing.Engine.TestImages.TestFunction;

    /// <summary>Label on every container the baselines create, so a crashed run's leftovers are easy to find.</summary>
    public const string BenchLabel = "fnpipeline.bench";

    private static readonly ConcurrentDictionary<FnExecutor, string> SocketDirectories = new();

    public static Uri Endpoint => FnPipeline.Testing.Engine.EngineFixture.DefaultUri;

    public static DockerClient CreateDockerClient() => FnPipeline.Testing.Engine.EngineFixture.CreateClient();

    /// <summary>An executor on the real engine with default settings, except a short socket base directory of its own.</summary>
    public static FnExecutor CreateExecutor(string name, Action<FnPipelineOptions>? configure = null)
    {
        var options = new FnPipelineOptions
        {
            InstanceId = $"bench{name}{Random.Shared.Next(1000, 9999)}".ToLowerInvariant(),
            DockerEndpoint = Endpoint.ToString(),
        };
        options.Hot.SocketBaseDirectory = Directory.CreateTempSubdirectory("fnb-").FullName;
        try
        {
            configure?.Invoke(options);
            var executor = FnExecutor.Create(options);
            SocketDirectories[executor] = options.Hot.SocketBaseDirectory;
            return executor;
        }
        catch
        {
            Directory.Delete(options.Hot.SocketBaseDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>Disposes the executor (it removes its containers) and deletes the socket base directory made for it.</summary>
    public static async Task DisposeExecutorAsync(FnExecutor executor)
    {
        await executor.DisposeAsync();
        if (SocketDirectories.TryRemove(executor, out var directory))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A directory the engine still holds for a moment; it is in the temp directory.
            }
        }
    }

    public static byte[] Payload(int bytes)
    {
        var payload = new byte[bytes];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        return payload;
    }

    /// <summary>A default-format echo: busybox <c>cat</c> with the executor's defaults (128 MB, read-only root, init, no network).</summary>
    public static FunctionCall ColdCall(byte[] payload) => new()
    {
        Image = BusyboxImage,
        Command = ["cat"],
        Input = CallInput.FromBytes(payload),
    };

    /// <summary>An http-stream echo on the NativeAOT test function.</summary>
    public static FunctionCall HotCall(byte[] payload) => new()
    {
        Image = TestFunctionImage,
        Format = FunctionFormat.HttpStream,
        Input = CallInput.FromBytes(payload),
        AppName = "bench",
        FunctionName = "echo",
    };

    public static void EnsureEcho(InvocationResult result, int expectedBytes)
    {
        if (result.Status != InvocationStatus.Success || result.Output.Length != expectedBytes)
        {
            throw new InvalidOperationException($"Call did not echo {expectedBytes} bytes: {result} ({result.Output.Length} bytes out)");
        }
    }

    /// <summary>Runs <paramref name="callers"/> concurrent loops of <paramref name="callsEach"/> calls.</summary>
    public static Task RunCallersAsync(int callers, int callsEach, Func<Task> call) =>
        Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < callsEach; i++)
            {
                await call();
            }
        })));
}
