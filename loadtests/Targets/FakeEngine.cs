using System.Collections.Concurrent;
using FnPipeline.Buffers;
using FnPipeline.HotPool;
using FnPipeline.Testing.Fakes;

namespace FnPipeline.LoadTests.Targets;

/// <summary>
/// <c>--driver fake</c>: an in-memory engine so the runner itself can be exercised without Docker. Cold containers run
/// on the test kit's <see cref="FakeContainerDriver"/> with about a tenth of a real engine's times (create 2 ms, start
/// 25 ms, run 4 ms, remove 1 ms, ±20 %) and echo their input; hot calls take about 1 ms, and the first call of a
/// function pays a 25 ms start.
/// </summary>
internal static class FakeEngine
{
    /// <summary>The test kit's fake engine with a tenth of a real engine's step times; it keeps nothing per call (long runs).</summary>
    public static readonly FakeEngineProfile Profile = new()
    {
        Recording = false,
        MaxConcurrentRemovals = 8,
        Times = new FakeEngineTimes
        {
            Create = TimeSpan.FromMilliseconds(2),
            Start = TimeSpan.FromMilliseconds(25),
            Run = TimeSpan.FromMilliseconds(4),
            Remove = TimeSpan.FromMilliseconds(1),
        },
    };

    public static readonly TimeSpan HotCall = TimeSpan.FromMilliseconds(1);
    public static readonly TimeSpan HotStart = TimeSpan.FromMilliseconds(25);

    public static FnExecutor CreateExecutor(FnPipelineOptions options) =>
        new(options, new FakeContainerDriver(profile: Profile), (specs, metrics) => new FakeHotDispatcher(), loggerFactory: null, timeProvider: null);

    /// <summary>A simulated step: the nominal time ± the profile's jitter.</summary>
    public static Task DelayAsync(TimeSpan nominal, CancellationToken cancellationToken) => Profile.Times!.DelayAsync(nominal, cancellationToken);

    private sealed class FakeHotDispatcher : IHotCallDispatcher
    {
        private readonly ConcurrentDictionary<string, Lazy<Task>> _started = new(StringComparer.Ordinal);

        public async Task<InvocationResult> InvokeAsync(ResolvedCall resolved, CancellationToken cancellationToken = default)
        {
            var (call, callId) = (resolved.Call, resolved.CallId);
            var key = call.Image + "|" + string.Join(',', call.Environment.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
            await _started.GetOrAdd(key, _ => new Lazy<Task>(() => DelayAsync(HotStart, CancellationToken.None))).Value.WaitAsync(cancellationToken);
            await DelayAsync(HotCall, cancellationToken);
            var output = new PooledOutputBuffer(Math.Max(1, call.Input.Bytes.Length));
            output.TryAppend(call.Input.Bytes.Span);
            return new InvocationResult(callId, InvocationStatus.Success, error: null, output, new StageTimings());
        }

        public ValueTask DisposeAsync(TimeSpan drainTimeout) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
