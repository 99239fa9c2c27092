// The example of docs/embedding.md, compiled and run by EmbeddingExampleTests; the test also checks the doc shows it verbatim.
// <embedding-example>
using FnPipeline;

namespace MyApp;

public static class Example
{
    public static async Task<string> RunAsync(CancellationToken cancellationToken = default)
    {
        // Settings in code, then the FNPIPELINE_* variables (docs/configuration.md).
        var options = FnPipelineEnvironment.Apply(new FnPipelineOptions { MaxContainers = 8 });
        await using var executor = FnExecutor.Create(options);

        var call = new FunctionCall
        {
            Image = "fnpipeline/testfn:latest",
            Input = CallInput.FromString("hello from my program"),
            MemoryMB = 64,
            Timeout = TimeSpan.FromSeconds(10),
        };

        using var result = await executor.InvokeAsync(call, cancellationToken);
        Console.WriteLine($"{result.Status} (call {result.CallId}): {result.Timings}");
        return result.IsSuccess ? result.OutputAsString() : throw new InvalidOperationException(result.Error!.ToString());
    }
}
// </embedding-example>
