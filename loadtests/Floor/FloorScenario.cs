using System.Globalization;
using System.Net;
using FnPipeline.LoadTests.Cli;
using FnPipeline.LoadTests.Reports;

namespace FnPipeline.LoadTests.Floor;

/// <summary>
/// <c>--scenario floor</c>: the gateway's own cost as a ratio. The same client and callers (closed model, 4 by
/// default, 100-byte POSTs) against a bare Kestrel echo (<see cref="FloorServer"/>) and against <c>fnpipe serve</c>
/// with a hot http-stream echo on the test function, both child processes. The measured time is cut in slices of
/// <see cref="Slice"/> that alternate between the two sides (order swapped every round), so that both meet the same
/// moments of a shared machine's load.
/// </summary>
internal static class FloorScenario
{
    public const string Name = "floor";
    public const int DefaultPayloadBytes = 100;
    public const double Target = 0.5;

    private const int DefaultCallers = 4;
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(RunSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Rate is not null || settings.Driver != Targets.DriverKind.Docker)
        {
            await Console.Error.WriteLineAsync("floor: closed model on the real engine only (--concurrency, no --rate, no --driver fake).");
            return 2;
        }

        var callers = settings.Concurrency ?? DefaultCallers;
        var warmup = settings.Warmup ?? DefaultWarmup;
        var rounds = Math.Max(1, (int)Math.Ceiling(settings.Duration / Slice));
        var payload = Scenarios.EchoCalls.CreatePayload(settings.PayloadBytes);
        var functions = Directory.CreateTempSubdirectory("fnpipe-floor-");
        var output = Console.Out;
        ServerProcess? floor = null;
        ServerProcess? gateway = null;
        try
        {
            var functionsFile = Path.Combine(functions.FullName, "functions.json");
            await File.WriteAllTextAsync(functionsFile, FunctionsFile, cancellationToken);
            try
            {
                floor = await ServerProcess.StartAsync(typeof(FloorServer).Assembly.Location, [FloorServer.Argument, "http://127.0.0.1:0"], FloorServer.ListeningPrefix, cancellationToken);
                gateway = await ServerProcess.StartAsync(
                    FnpipeDll,
                    // Hot warm-up: the floor compares steady costs, so the gateway starts with its invoke path optimised (cli.md).
                    ["serve", "--functions", functionsFile, "--urls", "http://127.0.0.1:0", "--warm-up", "hot"],
                    "fnpipe: listening on ",
                    cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"floor: a server could not start: {e.Message}");
                await Console.Error.WriteLineAsync("Start the engine with scripts/docker-up.sh and build the images with scripts/build-images.sh.");
                return 2;
            }

            using var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10), AutomaticDecompression = DecompressionMethods.None, UseProxy = false };
            using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            FloorSide[] sides =
            [
                new("bare Kestrel echo (floor)", new Uri(floor.Address, "/echo")),
                new("fnpipe serve, hot testfn echo", new Uri(gateway.Address, "/invoke/echo")),
            ];
            var started = DateTimeOffset.UtcNow;
            var loadBefore = LoadAverage();
            output.WriteLine($"floor: {callers} callers, {payload.Length}-byte POST, warm-up {warmup.TotalSeconds:0.#} s per side, then {rounds} rounds of {Slice.TotalSeconds:0} s per side, alternating");
            foreach (var side in sides)
            {
                await side.RunSliceAsync(client, payload, callers, warmup, record: false, settings.CallTimeout, cancellationToken);
            }

            for (var round = 0; round < rounds && !cancellationToken.IsCancellationRequested; round++)
            {
                foreach (var side in round % 2 == 0 ? sides : sides.Reverse())
                {
                    await side.RunSliceAsync(client, payload, callers, Slice, record: true, settings.CallTimeout, cancellationToken);
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[round {round + 1,3}/{rounds}] floor {sides[0].OkPerSecond,9:N0}/s  gateway {sides[1].OkPerSecond,9:N0}/s  ratio {Ratio(sides):0.000}"));
            }

            var report = new FloorReport(started, callers, payload.Length, warmup, Slice, rounds, loadBefore, LoadAverage(), sides[0], sides[1]);
            Directory.CreateDirectory(settings.OutputDirectory);
            var markdown = Path.Combine(settings.OutputDirectory, "report.md");
            await File.WriteAllTextAsync(markdown, report.ToMarkdown(), CancellationToken.None);
            output.WriteLine();
            output.WriteLine(report.ToMarkdown());
            output.WriteLine($"report: {markdown}");
            return sides.All(s => s.Ok > 0) ? 0 : 1;
        }
        finally
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }

            if (floor is not null)
            {
                await floor.DisposeAsync();
            }

            functions.Delete(recursive: true);
        }
    }

    /// <summary>fnpipe.dll of the same configuration, built with the load tests (the project's metadata names it).</summary>
    private static string FnpipeDll { get; } = typeof(FloorScenario).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .OfType<System.Reflection.AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FnpipeDll").Value!;

    /// <summary>Gateway throughput over the floor's.</summary>
    public static double Ratio(IReadOnlyList<FloorSide> sides) => sides[0].OkPerSecond > 0 ? sides[1].OkPerSecond / sides[0].OkPerSecond : 0;

    private const string FunctionsFile = """
        { "app": "loadtests", "functions": [
          { "name": "echo", "image": "fnpipeline/testfn:latest", "format": "http-stream", "idle_timeout": "10m" } ] }
        """;

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
