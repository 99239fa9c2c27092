using FnPipeline.LoadTests.Serve;

namespace FnPipeline.Tests.LoadTests;

public sealed class ServeStartResultTests
{
    private static ServeStartSettings Settings(int seconds) =>
        new("/bin/true", 16, seconds, 100, new Dictionary<string, string>(), [], "/tmp/unused");

    [Fact]
    public void Rates_AreTheFirstAndLastTwentySeconds()
    {
        // 60 s: 100 calls a second for the first 20 s, 300 in the middle, 200 in the last 20 s.
        var seconds = Enumerable.Range(0, 60).Select(i => new Second { Ok = i < 20 ? 100 : i < 40 ? 300 : 200, RssBytes = (50 + i) * 1024L * 1024 }).ToArray();
        var result = new ServeStartResult(Settings(60), TimeSpan.FromMilliseconds(500), 80L << 20, 90L << 20, seconds);

        result.FirstRate.ShouldBe(100);
        result.SteadyRate.ShouldBe(200);
        result.Ratio.ShouldBe(0.5);
        result.TotalOk.ShouldBe(12_000);
        // The median of seconds 41..60 (RSS 90..109 MB): the 11th of 20 sorted values.
        result.SteadyRss.ShouldBe(100L * 1024 * 1024);
        result.MaxRss.ShouldBe(109L * 1024 * 1024);
        result.Summary().ShouldContain("0.50 (target >= 0.90)");
    }

    [Fact]
    public void Validate_RefusesAShortRunAndAMissingExecutable()
    {
        var problems = (Settings(30) with { Fnpipe = "/nonexistent/fnpipe", Concurrency = 0 }).Validate();

        problems.Count.ShouldBe(3);
        problems.ShouldContain(p => p.Contains("--seconds 30", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("/nonexistent/fnpipe", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("--concurrency 0", StringComparison.Ordinal));
        Settings(40).Validate().ShouldBeEmpty();
    }
}
