using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace FnPipeline.LoadTests.Faults;

/// <summary>
/// Runs the storm in NBomber's closed model: <see cref="StormSettings.Concurrency"/> callers take the next sequence
/// number until <see cref="StormSettings.Calls"/> calls have been made. Each call is given up on (counted as a hang
/// with no answer) at its bound plus <see cref="NoAnswerGrace"/>, so the run always ends.
/// </summary>
internal sealed class FaultStormRunner(FnExecutor executor, FaultCalls calls, ContainerKiller killer, StormSettings settings)
{
    /// <summary>How long past its bound a call is still waited for before it is recorded as never answered.</summary>
    public static readonly TimeSpan NoAnswerGrace = TimeSpan.FromSeconds(30);

    private readonly ConcurrentBag<CallRecord> _records = [];
    private readonly ConcurrentBag<Task> _unanswered = [];
    private readonly Stopwatch _clock = new();
    private long _next;
    private long _inFlight;

    public TimeSpan Elapsed => _clock.Elapsed;

    public IReadOnlyList<CallRecord> Records => _records.OrderBy(r => r.Sequence).ToList();

    /// <summary>Calls still running when the run gave up on them (each recorded as <see cref="FaultExpectations.NoAnswer"/>).</summary>
    public IReadOnlyCollection<Task> Unanswered => _unanswered;

    public async Task RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        _clock.Start();
        var callers = Enumerable.Range(0, settings.Concurrency)
            .Select(_ => Task.Run(() => CallerAsync(cancellationToken), CancellationToken.None))
            .ToList();
        var all = Task.WhenAll(callers);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await Task.WhenAny(all, timer.WaitForNextTickAsync(CancellationToken.None).AsTask()) != all)
        {
            Progress(output);
        }

        await all;
        Progress(output);
        _clock.Stop();
    }

    private async Task CallerAsync(CancellationToken stop)
    {
        long sequence;
        while (!stop.IsCancellationRequested && (sequence = Interlocked.Increment(ref _next)) <= settings.Calls)
        {
            Interlocked.Increment(ref _inFlight);
            try
            {
                _records.Add(await CallAsync(sequence, stop));
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private async Task<CallRecord> CallAsync(long sequence, CancellationToken stop)
    {
        var (kind, lane) = FaultMix.Of(sequence);
        var call = calls.Build(sequence, kind, lane);
        TimeSpan? cancelAfter = kind == FaultKind.Disconnect ? FaultMix.DisconnectAfter(sequence) : null;
        var bound = FaultExpectations.BoundOf(kind, cancelAfter, settings.StartBound, settings.Slack);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(stop);
        if (cancelAfter is { } after)
        {
            caller.CancelAfter(after);
        }

        var started = _clock.Elapsed;
        var invoke = InvokeAsync(kind, call, caller.Token);
        var kill = kind == FaultKind.Kill ? killer.KillAsync(FaultCalls.TargetOf(calls.RunId, sequence), invoke, stop) : null;
        string status;
        string? note;
        try
        {
            (status, note) = await invoke.WaitAsync(bound + NoAnswerGrace, stop);
        }
        catch (TimeoutException)
        {
            (status, note) = (FaultExpectations.NoAnswer, $"no answer {(bound + NoAnswerGrace).TotalSeconds:0} s after the start");
            _unanswered.Add(invoke);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            (status, note) = (FaultExpectations.RunStopped, "Ctrl+C");
            _unanswered.Add(invoke);
        }

        var latency = _clock.Elapsed - started;
        if (kill is not null)
        {
            var killed = await kill;
            note = note is null ? killed : $"{killed}; {note}";
        }

        var expected = FaultExpectations.Accepts(kind, lane, status, note);
        return new CallRecord(sequence, kind, lane, started.TotalSeconds, latency.TotalMilliseconds, bound.TotalMilliseconds, status, expected, note);
    }

    /// <summary>The call through the executor; never throws: every ending is a status.</summary>
    private async Task<(string Status, string? Note)> InvokeAsync(FaultKind kind, FunctionCall call, CancellationToken cancellationToken)
    {
        try
        {
            using var result = await executor.InvokeAsync(call, cancellationToken);
            if (result.Status == InvocationStatus.Success)
            {
                return kind == FaultKind.Echo && !result.Output.Span.SequenceEqual(calls.Payload)
                    ? (FaultExpectations.WrongOutput, $"{result.Output.Length} bytes echoed, {calls.Payload.Length} sent")
                    : (FaultExpectations.Success, null);
            }

            return result.Error is { } error
                ? ($"{error.StatusCode} {error.Kind}", Shorten(error.Message))
                : (result.Status.ToString(), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (FaultExpectations.CallerCancelled, null);
        }
        catch (FnEngineException ex)
        {
            return ("500 engine failure (FnEngineException)", Shorten(ex.Message));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ($"exception {ex.GetType().Name}", Shorten(ex.Message));
        }
    }

    private void Progress(TextWriter output)
    {
        var records = _records.ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{_clock.Elapsed:mm\\:ss}] faults  calls {records.Length,6:N0}/{settings.Calls:N0}  in flight {Interlocked.Read(ref _inFlight),3}  unexpected {records.Count(r => !r.AsExpected),4}  hangs {records.Count(r => r.Hung),3}  500s {records.Count(r => r.IsServerError),3}"));
    }

    private static string Shorten(string message) => message.Length <= 160 ? message : message[..160] + "…";
}

/// <summary>The storm's own settings.</summary>
/// <param name="Calls">Calls in all (the mix is bounded: the run ends when they have all been answered or given up on).</param>
/// <param name="Concurrency">Callers (closed model).</param>
/// <param name="StartBound">Time allowed for getting a call to a running function (queue, image, create, start, socket).</param>
/// <param name="Slack">Time allowed on top for answering (kill, result) on a loaded machine.</param>
internal sealed record StormSettings(int Calls, int Concurrency, TimeSpan StartBound, TimeSpan Slack);
