namespace FnPipeline;

/// <summary>One sample of a container's resource use, as streamed by the engine while the container ran.</summary>
/// <param name="Timestamp">When the engine read the sample.</param>
/// <param name="CpuUserPercent">User CPU, percent of one CPU times the number of CPUs.</param>
/// <param name="CpuKernelPercent">Kernel CPU, same scale.</param>
/// <param name="CpuTotalPercent">Total CPU, same scale.</param>
/// <param name="MemoryUsageBytes">Memory in use.</param>
/// <param name="MemoryLimitBytes">Memory limit.</param>
/// <param name="NetworkRxBytes">Bytes received over all networks.</param>
/// <param name="NetworkTxBytes">Bytes sent over all networks.</param>
/// <param name="DiskReadBytes">Block-device bytes read.</param>
/// <param name="DiskWriteBytes">Block-device bytes written.</param>
public sealed record ContainerStatsSample(
    DateTimeOffset Timestamp,
    double CpuUserPercent,
    double CpuKernelPercent,
    double CpuTotalPercent,
    ulong MemoryUsageBytes,
    ulong MemoryLimitBytes,
    ulong NetworkRxBytes,
    ulong NetworkTxBytes,
    ulong DiskReadBytes,
    ulong DiskWriteBytes);
