using FnPipeline.Docker;

namespace FnPipeline.Tests.Docker;

public sealed class EngineVersionTests
{
    [Theory]
    [InlineData("20.10.24+dfsg1", 20, 10, 24, "")]
    [InlineData("17.10.0-ce", 17, 10, 0, "ce")]
    [InlineData("v28.2.2", 28, 2, 2, "")]
    [InlineData("28.2", 28, 2, 0, "")]
    [InlineData("1.13.1-rc.2+build.5", 1, 13, 1, "rc.2")]
    public void TryParse_EngineVersions_ReadsTheParts(string text, int major, int minor, int patch, string preRelease)
    {
        EngineVersion.TryParse(text, out var version).ShouldBeTrue();

        version.ShouldBe(new EngineVersion(major, minor, patch, preRelease));
    }

    [Theory]
    [InlineData("")]
    [InlineData("dev")]
    [InlineData("1.2.3.4")]
    [InlineData("1.x.3")]
    [InlineData("1.2.3-")]
    public void TryParse_NotAVersion_Fails(string text) => EngineVersion.TryParse(text, out _).ShouldBeFalse();

    [Theory]
    [InlineData("20.10.24+dfsg1", "17.10.0-ce", 1)]
    [InlineData("17.10.0-ce", "17.10.0", -1)]
    [InlineData("17.10.0", "17.10.0+meta", 0)]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1", -1)]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta", -1)]
    [InlineData("1.0.0-beta.2", "1.0.0-beta.11", -1)]
    [InlineData("1.0.0-rc.1", "1.0.0", -1)]
    [InlineData("20.10.9", "20.10.24", -1)]
    public void CompareTo_FollowsSemverPrecedence(string left, string right, int expected) =>
        Math.Sign(EngineVersion.Parse(left).CompareTo(EngineVersion.Parse(right))).ShouldBe(expected);

    [Fact]
    public void EnsureAtLeast_OlderEngine_ThrowsFnsMessage()
    {
        var error = Should.Throw<InvalidOperationException>(() => EngineVersion.EnsureAtLeast("99.0.0", "20.10.24+dfsg1"));

        error.Message.ShouldBe("docker version is too old. Required: 99.0.0 Found: 20.10.24+dfsg1");
    }

    [Fact]
    public void EnsureAtLeast_NewerOrEqualEngine_Passes()
    {
        Should.NotThrow(() => EngineVersion.EnsureAtLeast("17.10.0", "20.10.24+dfsg1"));
        Should.NotThrow(() => EngineVersion.EnsureAtLeast("17.10.0-ce", "17.10.0-ce"));
    }

    [Fact]
    public void EnsureAtLeast_BadRequirement_IsAFormatError() =>
        Should.Throw<FormatException>(() => EngineVersion.EnsureAtLeast("latest", "20.10.24"));
}
