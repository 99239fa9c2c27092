using FnPipeline.LoadTests.Cli;

namespace FnPipeline.LoadTests;

/// <summary>
/// <c>dotnet run -c Release --project loadtests -- --scenario hot-echo --rate 200 --duration 30s</c>.
/// <c>-- serve-start</c> loads <c>fnpipe serve</c> from its first second (<see cref="Serve.ServeStartCommand"/>);
/// <c>-- stream-memory</c> measures the gateway's memory under streaming calls (<see cref="Streaming.StreamMemoryScenario"/>).
/// Reference: docs/loadtests.md.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => args switch
    {
        [Serve.ServeStartCommand.Name, .. var rest] => Serve.ServeStartCommand.Create().Parse(rest).InvokeAsync(),
        [Floor.FloorServer.Argument, var url] => Floor.FloorServer.RunAsync(url),
        [Streaming.StreamMemoryScenario.Name, .. var rest] => Streaming.StreamMemoryScenario.RunAsync(rest, CancellationToken.None),
        _ => LoadTestCommand.Create(LoadTest.RunAsync).Parse(args).InvokeAsync(),
    };
}
