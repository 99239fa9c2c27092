using FnPipeline.Cli.Gateway;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>When the idle trim collects: once after work followed by an idle interval, never while busy or after no work.</summary>
public sealed class IdleTrimDecisionTests
{
    private const long Idle = 1_000;
    private const long Work = 100_000;

    [Fact]
    public void TrimsOnce_WhenAnIdleIntervalFollowsWork()
    {
        var decision = new IdleTrimDecision(Idle, Work, allocatedAtStart: 0);

        decision.ShouldTrim(60_000).ShouldBeFalse("busy");
        decision.ShouldTrim(120_000).ShouldBeFalse("busy, work now above the threshold");
        decision.ShouldTrim(120_500).ShouldBeTrue("idle after work");
        decision.ShouldTrim(120_600).ShouldBeFalse("still idle: nothing done since the trim");
        decision.ShouldTrim(120_700).ShouldBeFalse("still idle");
    }

    [Fact]
    public void NeverTrims_WhileBusy()
    {
        var decision = new IdleTrimDecision(Idle, Work, allocatedAtStart: 0);
        for (var tick = 1; tick <= 20; tick++)
        {
            decision.ShouldTrim(tick * 50_000L).ShouldBeFalse($"tick {tick}");
        }
    }

    [Fact]
    public void LittleWork_IsNotWorthATrim_UntilItAddsUp()
    {
        var decision = new IdleTrimDecision(Idle, Work, allocatedAtStart: 0);

        decision.ShouldTrim(40_000).ShouldBeFalse("busy");
        decision.ShouldTrim(40_100).ShouldBeFalse("idle, but only 40,000 bytes of work");
        decision.ShouldTrim(110_000).ShouldBeFalse("busy again: 109,900 bytes of work in all");
        decision.ShouldTrim(110_000).ShouldBeTrue("idle after enough work");
    }
}
