using FnPipeline.Docker;

namespace FnPipeline.Tests.Docker;

public sealed class NetworkAllocatorTests
{
    [Fact]
    public void Acquire_NoNetworks_IsNull() => new NetworkAllocator([]).Acquire().ShouldBeNull();

    [Fact]
    public void Acquire_PicksTheLeastUsed_TiesToTheFirstListed()
    {
        var networks = new NetworkAllocator(["a", "b", "c"]);

        new[] { networks.Acquire(), networks.Acquire(), networks.Acquire(), networks.Acquire() }.ShouldBe(["a", "b", "c", "a"]);
        networks.Release("b");
        networks.Acquire().ShouldBe("b");
    }

    [Fact]
    public void Release_UnknownOrUnusedNetwork_IsIgnored()
    {
        var networks = new NetworkAllocator(["a"]);

        networks.Release("zzz");
        networks.Release("a");

        networks.InUse("a").ShouldBe(0);
    }

    [Fact]
    public void Constructor_DropsBlankAndDuplicateNames()
    {
        var networks = new NetworkAllocator([" a ", "", "a", "b"]);

        new[] { networks.Acquire(), networks.Acquire() }.ShouldBe(["a", "b"]);
    }
}
