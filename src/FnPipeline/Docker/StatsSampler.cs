using Docker.DotNet.Models;

namespace FnPipeline.Docker;

/// <summary>
/// Fn's <c>cherryPick</c>: one engine stats frame to one sample. CPU figures are the usage delta over the system delta
/// times the number of CPUs times 100 (0 when the system delta is not positive); network is summed over interfaces,
/// disk over the read/write service bytes. Frames without a read time (the engine sends zero times once the container
/// stopped) give no sample.
/// </summary>
internal static class StatsSampler
{
    public static ContainerStatsSample? ToSample(ContainerStatsResponse? frame)
    {
        if (frame is null || frame.Read == default || frame.Read.Year <= 1)
        {
            return null;
        }

        var (user, kernel, total) = CpuPercents(frame.CPUStats, frame.PreCPUStats);
        var (rx, tx) = NetworkBytes(frame.Networks);
        var (read, write) = DiskBytes(frame.BlkioStats);
        return new ContainerStatsSample(
            new DateTimeOffset(frame.Read.ToUniversalTime(), TimeSpan.Zero),
            user,
            kernel,
            total,
            frame.MemoryStats?.Usage ?? 0,
            frame.MemoryStats?.Limit ?? 0,
            rx,
            tx,
            read,
            write);
    }

    internal static (double User, double Kernel, double Total) CpuPercents(CPUStats? current, CPUStats? previous)
    {
        if (current?.CPUUsage is null || previous?.CPUUsage is null)
        {
            return (0, 0, 0);
        }

        var systemDelta = Delta(current.SystemUsage ?? 0, previous.SystemUsage ?? 0);
        if (systemDelta == 0)
        {
            return (0, 0, 0);
        }

        // cgroup v1 reports per-CPU usage; cgroup v2 does not, and then OnlineCPUs says how many there are.
        double cores = current.CPUUsage.PercpuUsage?.Count ?? 0;
        if (cores == 0)
        {
            cores = current.OnlineCPUs ?? 1;
        }

        double Percent(ulong now, ulong before) => Delta(now, before) / (double)systemDelta * cores * 100.0;
        return (
            Percent(current.CPUUsage.UsageInUsermode, previous.CPUUsage.UsageInUsermode),
            Percent(current.CPUUsage.UsageInKernelmode, previous.CPUUsage.UsageInKernelmode),
            Percent(current.CPUUsage.TotalUsage, previous.CPUUsage.TotalUsage));
    }

    internal static (ulong Rx, ulong Tx) NetworkBytes(IDictionary<string, NetworkStats>? networks)
    {
        ulong rx = 0, tx = 0;
        if (networks is not null)
        {
            foreach (var network in networks.Values)
            {
                rx += network.RxBytes;
                tx += network.TxBytes;
            }
        }

        return (rx, tx);
    }

    internal static (ulong Read, ulong Write) DiskBytes(BlkioStats? blkio)
    {
        ulong read = 0, write = 0;
        if (blkio?.IoServiceBytesRecursive is { } entries)
        {
            foreach (var entry in entries)
            {
                if (string.Equals(entry.Op, "read", StringComparison.OrdinalIgnoreCase))
                {
                    read += entry.Value;
                }
                else if (string.Equals(entry.Op, "write", StringComparison.OrdinalIgnoreCase))
                {
                    write += entry.Value;
                }
            }
        }

        return (read, write);
    }

    // Counters can go backwards across a cgroup reset; Fn's unsigned subtraction would wrap to a huge value there.
    private static ulong Delta(ulong now, ulong before) => now > before ? now - before : 0;
}
