using Docker.DotNet.Models;
using FnPipeline.Docker;

namespace FnPipeline.Tests.Docker;

public sealed class StatsSamplerTests
{
    private static readonly DateTime Read = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    private static ContainerStatsResponse Frame() => new()
    {
        Read = Read,
        CPUStats = new CPUStats
        {
            SystemUsage = 2_000_000,
            CPUUsage = new CPUUsage { TotalUsage = 600_000, UsageInUsermode = 400_000, UsageInKernelmode = 200_000, PercpuUsage = [1, 2] },
        },
        PreCPUStats = new CPUStats
        {
            SystemUsage = 1_000_000,
            CPUUsage = new CPUUsage { TotalUsage = 100_000, UsageInUsermode = 50_000, UsageInKernelmode = 50_000 },
        },
        MemoryStats = new MemoryStats { Usage = 5_000, Limit = 8_000 },
        Networks = new Dictionary<string, NetworkStats>
        {
            ["eth0"] = new() { RxBytes = 10, TxBytes = 20 },
            ["eth1"] = new() { RxBytes = 1, TxBytes = 2 },
        },
        BlkioStats = new BlkioStats
        {
            IoServiceBytesRecursive =
            [
                new() { Op = "Read", Value = 100 },
                new() { Op = "write", Value = 7 },
                new() { Op = "Total", Value = 107 },
                new() { Op = "read", Value = 1 },
            ],
        },
    };

    [Fact]
    public void ToSample_CherryPicksLikeFn()
    {
        var sample = StatsSampler.ToSample(Frame())!;

        // Δusage / Δsystem × cores (2 per-CPU entries) × 100.
        sample.CpuTotalPercent.ShouldBe(100.0, tolerance: 1e-9);
        sample.CpuUserPercent.ShouldBe(70.0, tolerance: 1e-9);
        sample.CpuKernelPercent.ShouldBe(30.0, tolerance: 1e-9);
        (sample.MemoryUsageBytes, sample.MemoryLimitBytes).ShouldBe((5_000UL, 8_000UL));
        (sample.NetworkRxBytes, sample.NetworkTxBytes).ShouldBe((11UL, 22UL));
        (sample.DiskReadBytes, sample.DiskWriteBytes).ShouldBe((101UL, 7UL));
        sample.Timestamp.ShouldBe(new DateTimeOffset(Read));
    }

    [Fact]
    public void ToSample_ZeroReadTime_GivesNoSample()
    {
        var frame = Frame();
        frame.Read = default;

        StatsSampler.ToSample(frame).ShouldBeNull();
    }

    [Fact]
    public void ToSample_NoSystemDelta_GivesZeroCpu()
    {
        var frame = Frame();
        frame.PreCPUStats!.SystemUsage = frame.CPUStats!.SystemUsage;

        StatsSampler.ToSample(frame)!.CpuTotalPercent.ShouldBe(0);
    }

    [Fact]
    public void ToSample_CounterWentBackwards_GivesZeroNotAWrappedHugeValue()
    {
        var frame = Frame();
        frame.PreCPUStats!.CPUUsage!.UsageInKernelmode = 900_000;

        StatsSampler.ToSample(frame)!.CpuKernelPercent.ShouldBe(0);
    }

    [Fact]
    public void ToSample_NoPerCpuList_UsesOnlineCpus()
    {
        var frame = Frame();
        frame.CPUStats!.CPUUsage!.PercpuUsage = null;
        frame.CPUStats.OnlineCPUs = 4;

        StatsSampler.ToSample(frame)!.CpuTotalPercent.ShouldBe(200.0, tolerance: 1e-9);
    }

    [Fact]
    public void ToSample_NetworkNone_HasZeroNetworkBytes()
    {
        var frame = Frame();
        frame.Networks = null;

        var sample = StatsSampler.ToSample(frame)!;

        (sample.NetworkRxBytes, sample.NetworkTxBytes).ShouldBe((0UL, 0UL));
    }
}
