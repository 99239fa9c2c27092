using FnPipeline.LoadTests.Cli;
using FnPipeline.LoadTests.Floor;

namespace FnPipeline.Tests.LoadTests;

/// <summary>
/// The floor scenario's client and report against its bare Kestrel echo, in process (the scenario runs the echo and
/// <c>fnpipe serve</c> as processes; docs/loadtests.md).
/// </summary>
public sealed class FloorSideTests : IAsyncLifetime
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private Microsoft.AspNetCore.Builder.WebApplication _server = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _server = FloorServer.Build("http://127.0.0.1:0");
        await _server.StartAsync();
        _address = new Uri(_server.Urls.Single());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EchoSlices_CountEveryCallAsOk_AndOnlyRecordedSlicesCount()
    {
        using var client = new HttpClient();
        var side = new FloorSide("floor", new Uri(_address, "/echo"));
        var payload = FnPipeline.LoadTests.Scenarios.EchoCalls.CreatePayload(FloorScenario.DefaultPayloadBytes);

        await side.RunSliceAsync(client, payload, callers: 2, TimeSpan.FromMilliseconds(200), record: false, CallTimeout, CancellationToken.None);
        side.Ok.ShouldBe(0);
        side.Measured.ShouldBe(TimeSpan.Zero);

        await side.RunSliceAsync(client, payload, callers: 2, TimeSpan.FromMilliseconds(300), record: true, CallTimeout, CancellationToken.None);
        side.Failed.ShouldBe(0);
        side.Ok.ShouldBeGreaterThan(0);
        side.Measured.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
        side.OkPerSecond.ShouldBe(side.Ok / side.Measured.TotalSeconds, tolerance: 1e-9);
        side.PercentileMs(50).ShouldBeGreaterThan(0);
        side.PercentileMs(99).ShouldBeGreaterThanOrEqualTo(side.PercentileMs(50));
    }

    [Fact]
    public async Task SliceThatEndsBeforeItsCallersStart_StillMakesOneCallPerCaller()
    {
        using var client = new HttpClient();
        var side = new FloorSide("floor", new Uri(_address, "/echo"));

        await side.RunSliceAsync(client, [1, 2, 3], callers: 3, TimeSpan.Zero, record: true, CallTimeout, CancellationToken.None);

        side.Ok.ShouldBe(3);
        side.Failed.ShouldBe(0);
        side.OkPerSecond.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task AnswerThatIsNotTheEcho_CountsAsFailed_WithItsStatus()
    {
        using var client = new HttpClient();
        var side = new FloorSide("wrong route", new Uri(_address, "/nowhere"));

        await side.RunSliceAsync(client, [1, 2, 3], callers: 1, TimeSpan.FromMilliseconds(100), record: true, CallTimeout, CancellationToken.None);

        side.Ok.ShouldBe(0);
        side.Failed.ShouldBeGreaterThan(0);
        side.Failures.Keys.ShouldBe(["404 Not Found"]);
    }

    [Fact]
    public async Task Report_GivesTheRatioOfThroughputs_AndTheVerdictAgainstTheTarget()
    {
        using var client = new HttpClient();
        var payload = new byte[100];
        var floor = new FloorSide("floor", new Uri(_address, "/echo"));
        var none = new FloorSide("gateway", new Uri(_address, "/nowhere"));
        await floor.RunSliceAsync(client, payload, 1, TimeSpan.FromMilliseconds(100), record: true, CallTimeout, CancellationToken.None);
        await none.RunSliceAsync(client, payload, 1, TimeSpan.FromMilliseconds(100), record: true, CallTimeout, CancellationToken.None);

        var report = new FloorReport(DateTimeOffset.UtcNow, 1, 100, TimeSpan.Zero, TimeSpan.FromSeconds(2), 1, "0", "0", floor, none);

        report.Ratio.ShouldBe(0);
        report.TargetMet.ShouldBeFalse();
        var markdown = report.ToMarkdown();
        markdown.ShouldContain("target >= 50 %: **not met**");
        markdown.ShouldContain("- gateway: ");
        markdown.ShouldContain("failed: 404 Not Found");

        var twin = new FloorReport(DateTimeOffset.UtcNow, 1, 100, TimeSpan.Zero, TimeSpan.FromSeconds(2), 1, "0", "0", floor, floor);
        twin.Ratio.ShouldBe(1, tolerance: 1e-9);
        twin.TargetMet.ShouldBeTrue();
    }

    [Fact]
    public void FloorScenario_IsAcceptedByTheCommandLine_WithA100BytePayloadByDefault()
    {
        RunSettings? parsed = null;
        var exit = LoadTestCommand.Create((settings, _) =>
        {
            parsed = settings;
            return Task.FromResult(0);
        }).Parse(["--scenario", "floor", "--concurrency", "4"]).Invoke();

        exit.ShouldBe(0);
        parsed!.Scenario.ShouldBe(FloorScenario.Name);
        parsed.PayloadBytes.ShouldBe(100);
        parsed.Concurrency.ShouldBe(4);
    }
}
