using FnPipeline.Protocol;

namespace FnPipeline.Tests.Protocol;

public sealed class HopByHopHeadersTests
{
    [Theory]
    [InlineData("Connection")]
    [InlineData("keep-alive")]
    [InlineData("Transfer-Encoding")]
    [InlineData("UPGRADE")]
    [InlineData("TE")]
    [InlineData("Trailer")]
    [InlineData("Proxy-Authorization")]
    [InlineData("Proxy-Connection")]
    public void IsHopByHop_ConnectionHeaders_True(string name) => HopByHopHeaders.IsHopByHop(name).ShouldBeTrue();

    [Theory]
    [InlineData("Content-Type")]
    [InlineData("Fn-Call-Id")]
    [InlineData("Trailers")]
    [InlineData("X-Proxy-Id")]
    [InlineData("T")]
    public void IsHopByHop_EndToEndHeaders_False(string name) => HopByHopHeaders.IsHopByHop(name).ShouldBeFalse();
}
