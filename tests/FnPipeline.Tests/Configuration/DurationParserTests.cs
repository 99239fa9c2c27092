namespace FnPipeline.Tests.Configuration;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("30", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 10s ", 10_000)]
    public void TryParse_Valid_GivesMilliseconds(string text, double milliseconds)
    {
        DurationParser.TryParse(text, out var value).ShouldBeTrue();
        value.TotalMilliseconds.ShouldBe(milliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("30x")]
    [InlineData("-5s")]
    [InlineData("1e3s")]
    [InlineData("thirty")]
    public void TryParse_Invalid_IsRefused(string text) => DurationParser.TryParse(text, out _).ShouldBeFalse();

    [Theory]
    [InlineData(1500, "1500ms")]
    [InlineData(30_000, "30s")]
    [InlineData(120_000, "2m")]
    [InlineData(7_200_000, "2h")]
    public void Format_UsesTheLargestExactUnit(double milliseconds, string expected) =>
        DurationParser.Format(TimeSpan.FromMilliseconds(milliseconds)).ShouldBe(expected);
}

public sealed class DurationParserConfiguredTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:00:30", 30_000)]
    [InlineData("1.00:00:00", 86_400_000)]
    [InlineData("-00:00:00.001", -1)]
    public void ParseConfigured_UnitsAndClockForm_AreRead(string text, double milliseconds)
    {
        DurationParser.ParseConfigured(text, out var value).ShouldBeNull();
        value.TotalMilliseconds.ShouldBe(milliseconds);
    }

    [Theory]
    [InlineData("30000", "is a number without a unit")]
    [InlineData("30", "is a number without a unit")]
    [InlineData("", "a duration is required")]
    [InlineData("30x", "is not a duration")]
    [InlineData("1:2:3:4", "is not a duration")]
    public void ParseConfigured_AmbiguousOrMalformed_IsRefused(string text, string problem) =>
        DurationParser.ParseConfigured(text, out _).ShouldNotBeNull().ShouldContain(problem);
}
