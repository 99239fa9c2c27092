using System.Text;
using FnPipeline.Cli.Gateway;

namespace FnPipeline.Cli.Tests.Gateway;

public sealed class GatewayHelpersTests
{
    [Theory]
    [InlineData("{\"a\":1}", ContentTypes.Json)]
    [InlineData("  [1,2]", ContentTypes.Json)]
    [InlineData("hello", ContentTypes.Text)]
    [InlineData("", ContentTypes.Text)]
    public void Sniff_Text(string output, string expected) => ContentTypes.Sniff(Encoding.UTF8.GetBytes(output)).ShouldBe(expected);

    [Fact]
    public void Sniff_BinaryOrInvalidUtf8_IsOctetStream()
    {
        ContentTypes.Sniff([0x00, 0x01, 0x02]).ShouldBe(ContentTypes.Binary);
        ContentTypes.Sniff([0xC3, 0x28]).ShouldBe(ContentTypes.Binary);
    }

    [Fact]
    public void ServerTiming_ListsEveryStageInMilliseconds() =>
        ServerTiming.Format(new StageTimings(), TimeSpan.FromMilliseconds(12.34))
            .ShouldBe("queue;dur=0.0, image;dur=0.0, create;dur=0.0, start;dur=0.0, run;dur=0.0, total;dur=12.3");
}
