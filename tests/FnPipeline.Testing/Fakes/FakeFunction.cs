namespace FnPipeline.Testing.Fakes;

/// <summary>How a fake hot container behaves: how it starts and how it answers calls.</summary>
internal sealed record FakeFunction
{
    public FakeStart Start { get; init; } = FakeStart.Listen;

    public SocketLayout Layout { get; init; } = SocketLayout.RelativeSymlink;

    /// <summary>Exit code for <see cref="FakeStart.ExitAtStart"/>.</summary>
    public int ExitCode { get; init; } = 3;

    /// <summary>Written to stderr when the container starts.</summary>
    public string StartupStderr { get; init; } = "";

    /// <summary>Answers a call; the default echoes the body.</summary>
    public Func<FakeContainer, FakeRequest, CancellationToken, Task<FakeResponse>> Handler { get; init; } =
        (_, request, _) => Task.FromResult(new FakeResponse { Body = request.Body });

    /// <summary>Requests (by their head) answered before their body is read, then the connection closed.</summary>
    public Func<FakeRequest, bool>? AnswersBeforeBody { get; init; }

    /// <summary>Thrown by the engine's start (after any start gate).</summary>
    public Exception? StartFailure { get; init; }

    public Exception? PauseFailure { get; init; }

    public Exception? UnpauseFailure { get; init; }
}

/// <summary>Start-up behaviours.</summary>
internal enum FakeStart
{
    Listen,
    NeverListen,
    ExitAtStart,
}
