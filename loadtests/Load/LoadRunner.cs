using System.Diagnostics;
using FnPipeline.LoadTests.Scenarios;
using FnPipeline.LoadTests.Stats;

namespace FnPipeline.LoadTests.Load;

/// <summary>
/// Drives a scenario with a load simulation: warm-up, then the measured phase, then a bounded drain of the calls still
/// in flight (cancelled past <see cref="RunLimits.DrainTimeout"/>). Every run ends by itself.
/// </summary>
internal sealed class LoadRunner(IScenario scenario, LoadSimulation simulation, RunLimits limits, RunStats stats)
{
    private long _sequence;
    private long _inFlight;
    private long _started;

    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Time since the run started, in the run's clock.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Calls that were still running when the drain timed out (cancelled, reported as failures).</summary>
    public long Abandoned { get; private set; }

    private readonly Stopwatch _clock = new();

    public Phase PhaseAt(TimeSpan elapsed) => elapsed < simulation.Warmup ? Phase.Warmup : Phase.Measure;

    /// <summary>For the progress line: warm-up, measure, or drain (after the measured phase, calls finishing).</summary>
    public string PhaseLabel(TimeSpan elapsed) => elapsed < simulation.Warmup ? "warmup" : elapsed <= simulation.Total ? "measure" : "drain";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var calls = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _clock.Start();
        var load = simulation.Model == LoadModel.ConstantConcurrency
            ? RunClosedAsync(calls.Token, cancellationToken)
            : RunOpenAsync(calls.Token, cancellationToken);
        await load;
        await DrainAsync(calls);
    }

    /// <summary>Closed model: N callers loop until the end of the run.</summary>
    private Task RunClosedAsync(CancellationToken callToken, CancellationToken stopToken)
    {
        var callers = Enumerable.Range(0, simulation.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (!stopToken.IsCancellationRequested && _clock.Elapsed < simulation.Total)
            {
                await CallAsync(_clock.Elapsed, callToken);
            }
        }, CancellationToken.None));
        return Task.WhenAll(callers);
    }

    /// <summary>
    /// Open model: call i is due at i / rate. Calls start on schedule whether or not earlier ones finished (up to the
    /// in-flight cap; past it a call is counted as not started), and latency counts from the due time, so a slow system
    /// cannot hide its queueing (no coordinated omission).
    /// </summary>
    private async Task RunOpenAsync(CancellationToken callToken, CancellationToken stopToken)
    {
        var interval = TimeSpan.FromSeconds(1 / simulation.Rate);
        for (long i = 0; !stopToken.IsCancellationRequested; i++)
        {
            var due = interval * i;
            if (due >= simulation.Total)
            {
                break;
            }

            var wait = due - _clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                try
                {
                    await Task.Delay(wait, stopToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (Interlocked.Read(ref _inFlight) >= limits.MaxInFlight)
            {
                stats.RecordNotStarted(PhaseAt(due), new Outcome(scenario.Name, false, "client: not started (max in-flight reached)", $"{limits.MaxInFlight} calls were in flight"));
                continue;
            }

            _ = Task.Run(() => CallAsync(due, callToken), CancellationToken.None);
        }
    }

    private async Task CallAsync(TimeSpan scheduled, CancellationToken callToken)
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _started);
        var sequence = Interlocked.Increment(ref _sequence);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        timeout.CancelAfter(limits.CallTimeout);
        Outcome outcome;
        try
        {
            outcome = await scenario.InvokeAsync(sequence, timeout.Token);
        }
        catch (Exception ex)
        {
            outcome = Outcome.FromException(scenario.Name, ex, clientTimedOut: timeout.IsCancellationRequested && !callToken.IsCancellationRequested);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }

        stats.Record(PhaseAt(scheduled), _clock.Elapsed - scheduled, outcome);
    }

    private async Task DrainAsync(CancellationTokenSource calls)
    {
        var deadline = _clock.Elapsed + limits.DrainTimeout;
        while (InFlight > 0 && _clock.Elapsed < deadline)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        if (InFlight > 0)
        {
            Abandoned = InFlight;
            await calls.CancelAsync();
            var hardDeadline = _clock.Elapsed + TimeSpan.FromSeconds(10);
            while (InFlight > 0 && _clock.Elapsed < hardDeadline)
            {
                await Task.Delay(20, CancellationToken.None);
            }
        }

        _clock.Stop();
    }
}

/// <summary>Client-side limits of a run.</summary>
/// <param name="CallTimeout">A call still running after this counts as a client timeout.</param>
/// <param name="DrainTimeout">How long the end of a run waits for calls in flight before cancelling them.</param>
/// <param name="MaxInFlight">Open model: most calls in flight at once; past it, due calls are not started and count as failures.</param>
internal sealed record RunLimits(TimeSpan CallTimeout, TimeSpan DrainTimeout, int MaxInFlight);
