using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Gateway;

/// <summary>
/// Gives the memory a burst of calls left behind back to the system once the gateway is idle: after an interval in
/// which the process allocated (almost) nothing, following one in which it worked, one blocking, compacting,
/// decommitting (<see cref="GCCollectionMode.Aggressive"/>) collection, then glibc's <c>malloc_trim</c>, which returns
/// the native heap's free pages (the runtime's and the sockets' native allocations) that <c>free</c> keeps. Without
/// it both keep what the burst grew them to while the gateway idles (docs/performance.md, "warm").
/// </summary>
/// <remarks>
/// Idleness is read from <see cref="GC.GetTotalAllocatedBytes"/> rather than counted per request, so the request path
/// pays nothing for it; one collection per idle period, and none while the gateway has done nothing since the last.
/// </remarks>
internal sealed partial class IdleMemoryTrim(GatewaySettings settings, ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    /// <summary>An interval allocating less than this is idle (timers, the reaper and the pool's checks allocate a few KiB).</summary>
    public const long IdleAllocationBytes = 1024 * 1024;

    /// <summary>Work since the last collection below which there is nothing worth returning.</summary>
    public const long WorkAllocationBytes = 4L * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.IdleTrimAfter <= TimeSpan.Zero)
        {
            return;
        }

        var decision = new IdleTrimDecision(IdleAllocationBytes, WorkAllocationBytes, GC.GetTotalAllocatedBytes(precise: false));
        using var timer = new PeriodicTimer(settings.IdleTrimAfter);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!decision.ShouldTrim(GC.GetTotalAllocatedBytes(precise: false)))
            {
                continue;
            }

            var before = Mb(Environment.WorkingSet);
            var started = Stopwatch.GetTimestamp();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var collected = Mb(Environment.WorkingSet);
            TrimNativeHeap();
            var after = Mb(Environment.WorkingSet);
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Trimmed(logger, before, collected, after, elapsedMs);
        }
    }

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    /// <summary>glibc's <c>malloc_trim(0)</c>; nothing where the C library has none (musl).</summary>
    private static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux() || s_noMallocTrim)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            s_noMallocTrim = true;
        }
    }

    private static bool s_noMallocTrim;

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    [LoggerMessage(EventId = 534, EventName = "IdleMemoryTrimmed", Level = LogLevel.Information,
        Message = "Idle after work: resident memory {BeforeMb:F1} MB, {CollectedMb:F1} MB after a compacting collection, {AfterMb:F1} MB after the native heap's trim ({ElapsedMs:F1} ms)")]
    private static partial void Trimmed(ILogger logger, double beforeMb, double collectedMb, double afterMb, double elapsedMs);
}

/// <summary>When <see cref="IdleMemoryTrim"/> collects, from the process's allocation count at each tick.</summary>
internal sealed class IdleTrimDecision(long idleAllocationBytes, long workAllocationBytes, long allocatedAtStart)
{
    private long _last = allocatedAtStart;
    private long _sinceTrim;

    /// <summary>
    /// True when the interval that ends now was idle and the ones before it (since the last trim) allocated at least
    /// the work threshold; the count of work then starts again from zero.
    /// </summary>
    public bool ShouldTrim(long allocatedNow)
    {
        var interval = allocatedNow - _last;
        _last = allocatedNow;
        if (interval >= idleAllocationBytes)
        {
            _sinceTrim += interval;
            return false;
        }

        if (_sinceTrim < workAllocationBytes)
        {
            return false;
        }

        _sinceTrim = 0;
        return true;
    }
}
