using FnPipeline.Cli.Gateway;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>The warm-up's mode (option and variable) and the address it reaches Kestrel on.</summary>
public sealed class WarmUpModeTests
{
    [Theory]
    [InlineData("off", "Off")]
    [InlineData("none", "Off")]
    [InlineData("Gateway", "Gateway")]
    [InlineData(" HOT ", "Hot")]
    public void Parses(string text, string expected)
    {
        WarmUpModes.TryParse(text, out var mode).ShouldBeTrue();
        mode.ToString().ShouldBe(expected);
    }

    [Fact]
    public void RefusesAnythingElse()
    {
        WarmUpModes.TryParse("lukewarm", out _).ShouldBeFalse();
        WarmUpModes.TryParse(null, out _).ShouldBeFalse();
    }

    [Fact]
    public void UnsetOrBlankVariable_IsTheGatewayWarmUp()
    {
        WarmUpModes.FromEnvironment(_ => null).ShouldBe(WarmUpMode.Gateway);
        WarmUpModes.FromEnvironment(_ => " ").ShouldBe(WarmUpMode.Gateway);
        WarmUpModes.FromEnvironment(name => name == "FNPIPELINE_SERVE_WARM_UP" ? "hot" : null).ShouldBe(WarmUpMode.Hot);
    }

    [Fact]
    public void MalformedVariable_NamesItAndTheModes()
    {
        Should.Throw<FormatException>(() => WarmUpModes.FromEnvironment(_ => "warm"))
            .Message.ShouldBe("FNPIPELINE_SERVE_WARM_UP='warm' is not a warm-up mode: use off, gateway or hot");
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://[::]:8080", "http://[::1]:8080/")]
    [InlineData("http://localhost:5000", "http://localhost:5000/")]
    public void LoopbackAddress_ReachesAWildcardOnLoopback(string listening, string expected)
    {
        GatewayWarmUp.LoopbackAddress([listening])!.ToString().ShouldBe(expected);
    }

    [Fact]
    public void LoopbackAddress_TakesTheFirstHttpOne_AndNoneForHttpsOnly()
    {
        GatewayWarmUp.LoopbackAddress(["https://127.0.0.1:8443", "http://127.0.0.1:8080"])!.Port.ShouldBe(8080);
        GatewayWarmUp.LoopbackAddress(["https://127.0.0.1:8443"]).ShouldBeNull();
    }
}
