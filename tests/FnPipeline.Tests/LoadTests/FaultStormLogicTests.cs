using FnPipeline.LoadTests.Cli;
using FnPipeline.LoadTests.Faults;
using FnPipeline.LoadTests.Targets;

namespace FnPipeline.Tests.LoadTests;

/// <summary>The fault storm's mix, bounds and verdict, without an engine (the storm itself: FaultStormTests in the integration tests).</summary>
public sealed class FaultStormLogicTests
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    [Fact]
    public void EveryTwentyCalls_HoldEachFaultOncePerLane_AndFiveEchoesPerLane()
    {
        var block = Enumerable.Range(21, 20).Select(i => FaultMix.Of(i)).ToList();

        foreach (var lane in new[] { Lane.Cold, Lane.Hot })
        {
            var kinds = block.Where(c => c.Lane == lane).Select(c => c.Kind).ToList();
            kinds.Count(k => k == FaultKind.Echo).ShouldBe(5);
            kinds.Where(k => k != FaultKind.Echo).Order().ShouldBe(
                [FaultKind.Timeout, FaultKind.Exit, FaultKind.OutOfMemory, FaultKind.Disconnect, FaultKind.Kill]);
        }
    }

    [Fact]
    public void Bounds_AreTheTimeoutPlusStartBoundPlusSlack_OrForADisconnectItsCancelPlusSlack()
    {
        FaultExpectations.BoundOf(FaultKind.Timeout, null, StartBound, Slack).ShouldBe(TimeSpan.FromSeconds(16));
        FaultExpectations.BoundOf(FaultKind.Echo, null, StartBound, Slack).ShouldBe(TimeSpan.FromSeconds(20));
        FaultExpectations.BoundOf(FaultKind.Disconnect, TimeSpan.FromMilliseconds(700), StartBound, Slack).ShouldBe(TimeSpan.FromMilliseconds(5700));
    }

    [Theory]
    [InlineData("Echo", "Cold", "200 Success", null, true)]
    [InlineData("Echo", "Cold", "504 Timeout", "Timed out", false)]
    [InlineData("Timeout", "Hot", "503 TooBusy", "no container became free", false)]
    [InlineData("OutOfMemory", "Cold", "502 OutOfMemory", "container out of memory", true)]
    [InlineData("OutOfMemory", "Cold", "502 ContainerExit", "container exit code 137", true)]
    [InlineData("OutOfMemory", "Cold", "502 ContainerExit", "container exit code 134", false)]
    [InlineData("OutOfMemory", "Hot", "502 InvalidFunctionResponse", "the container exited with code 137 during the call", true)]
    [InlineData("Exit", "Hot", "502 InvalidFunctionResponse", "the container exited with code 3 during the call", true)]
    [InlineData("Disconnect", "Cold", FaultExpectations.CallerCancelled, null, true)]
    [InlineData("Kill", "Cold", "500 engine failure (FnEngineException)", "boom", false)]
    public void Answers_AreJudgedByKindAndLane(string kind, string lane, string status, string? note, bool expected) =>
        FaultExpectations.Accepts(Enum.Parse<FaultKind>(kind), Enum.Parse<Lane>(lane), status, note).ShouldBe(expected);

    [Fact]
    public void CleanRecords_PassEveryCheck()
    {
        var checks = StormChecks.FromRecords([Record(1, 900, "200 Success"), Record(2, 1_100, "504 Timeout", FaultKind.Timeout)], plannedCalls: 2);

        checks.Where(c => !c.Passed).ShouldBeEmpty();
    }

    [Fact]
    public void ACallPastItsBound_ANever500_AndAWrongAnswer_EachFailTheirCheck()
    {
        var checks = StormChecks.FromRecords(
        [
            Record(1, 21_000, "200 Success"),
            Record(2, 300, "500 engine failure (FnEngineException)"),
            Record(3, 5_300, "504 Timeout"),
        ], plannedCalls: 4);

        checks.Where(c => !c.Passed).Select(c => c.Name).ShouldBe(
        [
            "every planned call was made",
            "no call took longer than its bound (hangs)",
            "no status 500 / engine failure",
            "every call answered as its kind expects",
        ]);
        checks.Single(c => c.Name.StartsWith("no call took", StringComparison.Ordinal)).Detail.ShouldContain("#1 Echo Cold 21.00 s (bound 20 s)");
    }

    [Fact]
    public void FaultsSettings_RefuseAnOpenModel_TheFakeDriver_AndZeroCalls()
    {
        var settings = new RunSettings("faults", Rate: 10, null, null, TimeSpan.FromSeconds(30), DriverKind.Fake, 1024, TimeSpan.FromSeconds(30), 1000, 0.9, true, "out")
        {
            Calls = 0,
        };

        var problems = settings.Validate();

        problems.ShouldContain(p => p.Contains("--concurrency", StringComparison.Ordinal) && p.Contains("not --rate", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("--driver docker", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("--calls", StringComparison.Ordinal));
    }

    private static CallRecord Record(long sequence, double latencyMs, string status, FaultKind kind = FaultKind.Echo)
    {
        var bound = FaultExpectations.BoundOf(kind, null, StartBound, Slack).TotalMilliseconds;
        return new CallRecord(sequence, kind, Lane.Cold, 0, latencyMs, bound, status, FaultExpectations.Accepts(kind, Lane.Cold, status, null), null);
    }
}
