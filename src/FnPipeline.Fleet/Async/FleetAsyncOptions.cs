namespace FnPipeline.Fleet.Async;

/// <summary>
/// How the fleet keeps asynchronous calls: replicas of the stream and buckets, result retention, ack wait, retries
/// with back-off, callbacks. Clients and nodes of one fleet should agree (the stream and buckets are created by the
/// first one that needs them and kept as they are afterwards). docs/fleet.md, "Asynchronous calls".
/// </summary>
public sealed class FleetAsyncOptions
{
    /// <summary>Replicas of the call stream, the results bucket and the limits bucket (1 to 5). Default 1; 3 on a 3-server cluster.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>How long a result (or a pending call's record) stays retrievable after it was written. Default 24 h.</summary>
    public TimeSpan ResultRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long the stream waits for a node's acknowledgement before it hands the call to another node. A running call
    /// is kept alive by progress acknowledgements every third of it, so this bounds only how long a dead node's call
    /// waits. Default 30 s.
    /// </summary>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs of a call that may end in an engine failure before the failure is stored as its result. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The delay before the second run after an engine failure; doubled for each further run. Default 2 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between runs. Default 1 min.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a call whose function is at its in-flight limit waits before a node tries it again. Default 1 s.</summary>
    public TimeSpan LimitRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts to POST a result to its callback URL (back-off as <see cref="RetryDelay"/>). Default 5.</summary>
    public int CallbackAttempts { get; set; } = 5;

    /// <summary>How long one callback POST may take. Default 10 s.</summary>
    public TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a node's pull waits for a call before it asks again (it holds no room while it waits). Default 5 s.</summary>
    public TimeSpan PullExpiry { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Every problem of these options, one sentence each, naming the option.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Replicas is < 1 or > 5)
        {
            problems.Add($"Replicas must be 1 to 5 (was {Replicas})");
        }

        Positive(problems, nameof(ResultRetention), ResultRetention);
        if (AckWait < TimeSpan.FromSeconds(1))
        {
            problems.Add($"AckWait must be at least 1 s (was {AckWait}): progress acknowledgements go every third of it");
        }

        if (MaxAttempts < 1)
        {
            problems.Add($"MaxAttempts must be at least 1 (was {MaxAttempts})");
        }

        Positive(problems, nameof(RetryDelay), RetryDelay);
        if (MaxRetryDelay < RetryDelay)
        {
            problems.Add($"MaxRetryDelay ({MaxRetryDelay}) must not be shorter than RetryDelay ({RetryDelay})");
        }

        Positive(problems, nameof(LimitRetryDelay), LimitRetryDelay);
        if (CallbackAttempts < 0)
        {
            problems.Add($"CallbackAttempts must not be negative (was {CallbackAttempts})");
        }

        Positive(problems, nameof(CallbackTimeout), CallbackTimeout);
        Positive(problems, nameof(PullExpiry), PullExpiry);
        return problems;
    }

    /// <summary>Throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> listing every problem, or returns.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(
                Microsoft.Extensions.Options.Options.DefaultName, typeof(FleetAsyncOptions), problems);
        }
    }

    /// <summary>The delay before the run that follows <paramref name="failedRuns"/> engine failures: doubling, capped.</summary>
    internal TimeSpan RetryDelayAfter(int failedRuns)
    {
        var exponent = Math.Clamp(failedRuns - 1, 0, 20);
        var delay = RetryDelay * Math.Pow(2, exponent);
        return delay > MaxRetryDelay ? MaxRetryDelay : delay;
    }

    private static void Positive(List<string> problems, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{name} must be positive (was {value})");
        }
    }
}
