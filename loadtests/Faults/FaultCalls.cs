using System.Globalization;
using System.Text;
using FnPipeline.LoadTests.Scenarios;

namespace FnPipeline.LoadTests.Faults;

/// <summary>
/// Builds each storm call on <c>fnpipeline/testfn</c> (its behaviour is chosen by the input: docs/testing.md) and
/// the outcomes it may end in. Hot calls share one function except OOM calls (their own 32 MB function) and kill
/// calls (a function per call, so the scenario can tell which container to kill).
/// </summary>
internal sealed class FaultCalls(string runId, IReadOnlyDictionary<string, string> extraLabels, byte[] payload)
{
    /// <summary>Label that marks a kill call's container with <c>&lt;run&gt;-&lt;sequence&gt;</c>, so the killer finds it.</summary>
    public const string TargetLabel = "fnpipeline.storm.target";

    /// <summary>Timeout of echo, exit and OOM calls: their function answers in milliseconds once it runs.</summary>
    public static readonly TimeSpan ShortCallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of the timeout calls (they sleep 30 s).</summary>
    public static readonly TimeSpan TimeoutCallTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of kill and disconnect calls (they sleep 30 s): the kill or the cancel must come first.</summary>
    public static readonly TimeSpan LongCallTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Memory limit of OOM calls; they allocate <see cref="OomAllocateMB"/>. Small enough that the cgroup kills the
    /// function (137, OOM-killed) before .NET's own heap limit (75 % of the container's, at least 16 MB) throws
    /// (exit 134), as in the executor's own OOM test.
    /// </summary>
    public const long OomMemoryMB = 8;

    public const int OomAllocateMB = 64;

    /// <summary>Kill-call functions idle out quickly: each is used once.</summary>
    private static readonly TimeSpan KillFunctionIdle = TimeSpan.FromSeconds(2);

    public byte[] Payload => payload;

    public string RunId => runId;

    public static string TargetOf(string runId, long sequence) => string.Create(CultureInfo.InvariantCulture, $"{runId}-{sequence}");

    public FunctionCall Build(long sequence, FaultKind kind, Lane lane)
    {
        var labels = new Dictionary<string, string>(extraLabels, StringComparer.Ordinal);
        var call = new FunctionCall
        {
            Image = EchoCalls.TestFunctionImage,
            Format = lane == Lane.Hot ? FunctionFormat.HttpStream : FunctionFormat.Default,
            AppName = "storm",
            FunctionName = "storm",
            Input = CallInput.FromBytes(Input(kind)),
            Timeout = TimeoutOf(kind),
            Labels = labels,
        };
        switch (kind)
        {
            case FaultKind.OutOfMemory:
                return call with { MemoryMB = OomMemoryMB, FunctionName = "storm-oom" };
            case FaultKind.Kill:
                labels[TargetLabel] = TargetOf(runId, sequence);
                return call with { FunctionName = "storm-kill", IdleTimeout = lane == Lane.Hot ? KillFunctionIdle : null };
            default:
                return call;
        }
    }

    public static TimeSpan TimeoutOf(FaultKind kind) => kind switch
    {
        FaultKind.Timeout => TimeoutCallTimeout,
        FaultKind.Kill or FaultKind.Disconnect => LongCallTimeout,
        _ => ShortCallTimeout,
    };

    private byte[] Input(FaultKind kind) => kind switch
    {
        FaultKind.Echo => payload,
        FaultKind.Exit => Command("!exit 3"),
        FaultKind.OutOfMemory => Command(string.Create(CultureInfo.InvariantCulture, $"!alloc {OomAllocateMB}")),
        _ => Command("!sleep 30000"),
    };

    private static byte[] Command(string line) => Encoding.ASCII.GetBytes(line + "\nstorm");
}
