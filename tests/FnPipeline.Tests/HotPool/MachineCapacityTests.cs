using FnPipeline.HotPool;

namespace FnPipeline.Tests.HotPool;

public sealed class MachineCapacityTests
{
    private const long GB = 1L << 30;

    [Theory]
    [InlineData(2, 24 * GB, 128, 64, 4)] // this kind of machine: two per processor
    [InlineData(16, 1 * GB, 256, 64, 4)] // memory binds: 1 GiB / 256 MiB
    [InlineData(1, 64 * GB, 128, 64, 2)]
    [InlineData(64, 64 * GB, 128, 10, 10)] // never past Hot.MaxContainers
    [InlineData(4, 100 * 1024 * 1024, 512, 64, 1)] // less memory than one container's limit: still one
    [InlineData(2, 24 * GB, 0, 64, 4)] // no memory limit: processors alone
    public void ContainersPerFunction_FollowsTheRule(int processors, long memoryBytes, long functionMemoryMB, int maxContainers, int expected)
    {
        new MachineCapacity(processors, memoryBytes).ContainersPerFunction(functionMemoryMB, maxContainers).ShouldBe(expected);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(8, 8)]
    public void ConcurrentStarts_IsTheProcessorCountAtLeastTwo(int processors, int expected)
    {
        new MachineCapacity(processors, 8 * GB).ConcurrentStarts.ShouldBe(expected);
    }

    [Fact]
    public void Current_SeesThisMachine()
    {
        var current = MachineCapacity.Current;

        current.Processors.ShouldBe(Environment.ProcessorCount);
        current.MemoryBytes.ShouldBeGreaterThan(64L * 1024 * 1024, "the runtime reports the memory it may use");
    }

    [Fact]
    public void HotPoolSettings_ConfiguredCapWins_ElseTheMachinesRule()
    {
        var options = new FnPipelineOptions();
        var derived = ExecutorSettings.Resolve(options).Hot with { Machine = new MachineCapacity(3, 24 * GB) };
        derived.ContainersPerFunction(128).ShouldBe(6);
        derived.ContainersPerFunction(8 * 1024).ShouldBe(3, "24 GiB hold three functions of 8 GiB");

        options.Hot.MaxContainersPerFunction = 5;
        var configured = ExecutorSettings.Resolve(options).Hot with { Machine = new MachineCapacity(3, 24 * GB) };
        configured.ContainersPerFunction(128).ShouldBe(5);
        configured.ContainersPerFunction(8 * 1024).ShouldBe(5);
    }
}
