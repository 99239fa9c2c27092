using System.Buffers;
using FnPipeline.Buffers;
using FnPipeline.Fleet.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace FnPipeline.Fleet.Client;

/// <summary>
/// An <see cref="IFnExecutor"/> that runs calls on a fleet of nodes over NATS (docs/fleet.md, "Clients"). A call of an
/// http-stream function goes first to the nodes where it is hot, else to any node with room; a call no node can take
/// because none exists, or NATS cannot be reached, is answered 503 <see cref="FnErrorKind.FleetUnavailable"/> at once;
/// a call whose node stops answering after it accepted it is answered 502 <see cref="FnErrorKind.NodeLost"/> and is
/// never sent to a second node. It reconnects to NATS on its own. Thread-safe; one instance serves a whole program.
/// </summary>
public sealed partial class FleetExecutor : IFnExecutor
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(200);
    private readonly FleetOptions _fleet;
    private readonly FleetClientOptions _options;
    private readonly FleetClientConnection _client;
    private readonly FleetCallAttempts _attempts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string[] _anyOnly;
    private readonly HotPlacements _hotThenAny;
    private int _disposed;

    /// <summary>
    /// A client of the fleet <paramref name="fleet"/> names (not connected yet: the first call or
    /// <see cref="StartAsync"/> connects). Options are validated here.
    /// </summary>
    public FleetExecutor(FleetOptions fleet, FleetClientOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(fleet, options ?? new FleetClientOptions(), connection: null, loggerFactory, timeProvider)
    {
    }

    internal FleetExecutor(FleetOptions fleet, FleetClientOptions options, NatsConnection? connection, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(options);
        FleetOptionsValidation.ThrowIfInvalid(fleet);
        ThrowIfInvalid(options);
        _fleet = fleet;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FleetExecutor>();
        Subjects = new FleetSubjects(fleet.Fleet);
        InstanceId = string.IsNullOrWhiteSpace(options.InstanceId) ? Guid.NewGuid().ToString("N")[..12] : options.InstanceId.Trim();
        _client = new FleetClientConnection(fleet, InstanceId, connection);
        _attempts = new FleetCallAttempts(_client, Subjects, fleet, options, Unavailable, _logger);
        _anyOnly = [Subjects.SyncAny];
        _hotThenAny = new HotPlacements(Subjects);
    }

    /// <inheritdoc />
    public string InstanceId { get; }

    /// <summary>The fleet's subjects.</summary>
    internal FleetSubjects Subjects { get; }

    /// <summary>The NATS connection (connected by <see cref="EnsureConnectedAsync"/>).</summary>
    internal NatsConnection Connection => _client.Connection;

    /// <summary>Connects to NATS; throws <see cref="FnEngineException"/> naming the servers when none can be reached.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false) is { } problem)
        {
            throw new FnEngineException(problem);
        }
    }

    /// <inheritdoc />
    public async Task<InvocationResult> InvokeAsync(FunctionCall functionCall, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(functionCall);
        FunctionCallValidator.ThrowIfInvalid(functionCall);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var callId = string.IsNullOrEmpty(functionCall.CallId) ? Guid.CreateVersion7().ToString("N") : functionCall.CallId;
        if (cancellationToken.IsCancellationRequested)
        {
            return Cancelled(callId);
        }

        try
        {
            if (await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false) is { } problem)
            {
                return Unavailable(callId, functionCall.Image, problem);
            }

            var spec = CallSpec.From(functionCall) with { CallId = callId };
            using var frame = await FrameAsync(spec, functionCall, cancellationToken).ConfigureAwait(false);
            var subjects = functionCall.Format == FunctionFormat.HttpStream
                ? _hotThenAny.For(FleetFunctionKey.Compute(spec))
                : _anyOnly;
            return await PlaceAsync(callId, functionCall.Image, subjects, frame.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Cancelled(callId);
        }
    }

    /// <summary>
    /// Sends the call to the first subject with a node that takes it: the hot subject, then the any-subject. A "busy"
    /// answer (the call raced into a node that had just filled up) or every node full starts over after a short wait,
    /// up to <see cref="FleetClientOptions.QueueTimeout"/>; no node at all is an immediate 503.
    /// </summary>
    private async Task<InvocationResult> PlaceAsync(
        string callId, string image, string[] subjects, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var giveUpAt = _time.GetUtcNow() + _options.QueueTimeout;
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            var sawBusy = false;
            foreach (var subject in subjects)
            {
                var attempt = await _attempts.AttemptAsync(callId, image, subject, frame, cancellationToken).ConfigureAwait(false);
                if (attempt.Result is { } result)
                {
                    return result;
                }

                if (attempt.Busy)
                {
                    sawBusy = true;
                    break;
                }
            }

            if (!sawBusy && !await _attempts.AnyNodeAsync(cancellationToken).ConfigureAwait(false))
            {
                return Unavailable(callId, image, $"no node of fleet '{_fleet.Fleet}' answered on {_fleet.Url}; the call did not run");
            }

            if (_time.GetUtcNow() >= giveUpAt)
            {
                return CallOutcomes.Result(callId, InvocationStatus.Error, CallOutcomes.TooBusy(
                    $"every node of fleet '{_fleet.Fleet}' stayed full for {_options.QueueTimeout.TotalSeconds:0.#} s (FleetClientOptions.QueueTimeout); the call did not run"));
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    /// <summary>The call's frame: its document, then its input (read to the end when it is a stream), within max_payload.</summary>
    private async Task<PooledOutputBuffer> FrameAsync(CallSpec spec, FunctionCall call, CancellationToken cancellationToken)
    {
        var maxPayload = _client.Connection.ServerInfo?.MaxPayload ?? 1024 * 1024;
        var frame = new PooledOutputBuffer(Array.MaxLength); // max_payload is checked as the frame grows (ThrowIfTooLarge)
        try
        {
            await WriteFrameAsync(frame, spec, call, maxPayload, cancellationToken).ConfigureAwait(false);
            return frame;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }

    private static async Task WriteFrameAsync(PooledOutputBuffer frame, CallSpec spec, FunctionCall call, long maxPayload, CancellationToken cancellationToken)
    {
        var input = call.Input;
        FleetFrame.WriteHead(frame, spec, FleetJsonContext.Default.CallSpec);
        if (input.Stream is { } stream)
        {
            while (true)
            {
                var read = await stream.ReadAsync(frame.GetMemory(64 * 1024), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                frame.Advance(read);
                ThrowIfTooLarge(call, frame.WrittenCount, maxPayload);
            }
        }
        else
        {
            frame.Write(input.Bytes.Span);
        }

        ThrowIfTooLarge(call, frame.WrittenCount, maxPayload);
    }

    private static void ThrowIfTooLarge(FunctionCall call, long size, long maxPayload)
    {
        if (size > maxPayload)
        {
            throw new InvalidFunctionCallException(call.Image,
            [
                $"the call's message is over {size} bytes (input and call document), more than the NATS servers' max_payload of {maxPayload} bytes: send a smaller input or raise max_payload",
            ]);
        }
    }

    /// <summary>Null when connected (connecting now if needed), else the problem; never waits on a reconnecting connection.</summary>
    internal Task<string?> EnsureConnectedAsync(CancellationToken cancellationToken) => _client.EnsureConnectedAsync(cancellationToken);

    private InvocationResult Unavailable(string callId, string image, string message)
    {
        ClientLog.Unavailable(_logger, callId, image, message);
        return CallOutcomes.Result(callId, InvocationStatus.Error, new FnError(FnErrorKind.FleetUnavailable, 503, message));
    }

    private static InvocationResult Cancelled(string callId) =>
        CallOutcomes.Result(callId, InvocationStatus.Cancelled, CallOutcomes.Cancelled());

    /// <summary>Closes the NATS connection (when this client made it); calls still waiting are answered as their connection ends.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _client.DisposeAsync().ConfigureAwait(false);
        if (_async is not null)
        {
            await _async.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void ThrowIfInvalid(FleetClientOptions options)
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { ("AcceptTimeout", options.AcceptTimeout), ("NodeLostAfter", options.NodeLostAfter), ("QueueTimeout", options.QueueTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{name} must be positive (was {value})");
            }
        }

        if (options.Async is null)
        {
            problems.Add("Async must be set (FleetAsyncOptions)");
        }
        else
        {
            problems.AddRange(options.Async.Problems().Select(p => $"Async.{p}"));
        }

        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(FleetClientOptions), problems);
        }
    }
}
