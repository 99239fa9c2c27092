using FnPipeline.LoadTests.Cli;

namespace FnPipeline.LoadTests;

/// <summary>
/// <c>dotnet run -c Release --project loadtests -- --scenario hot-echo --rate 200 --duration 30s</c>.
/// Reference: docs/loadtests.md.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => LoadTestCommand.Create(LoadTest.RunAsync).Parse(args).InvokeAsync();
}
