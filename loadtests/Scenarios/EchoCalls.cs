using FnPipeline.LoadTests.Load;

namespace FnPipeline.LoadTests.Scenarios;

/// <summary>The calls the scenarios make: echoes of one payload, cold on busybox <c>cat</c>, hot on the test function.</summary>
internal sealed class EchoCalls(FnExecutor executor, int payloadBytes) : IEchoPaths
{
    public const string BusyboxImage = "fnpipeline/busybox:latest";
    public const string TestFunctionImage = "fnpipeline/testfn:latest";

    private readonly byte[] _payload = CreatePayload(payloadBytes);
    private FunctionCall? _cold;
    private FunctionCall? _hot;

    public string Name => "FnExecutor";

    public byte[] Payload => _payload;

    public Task<Outcome> ColdAsync(CancellationToken cancellationToken) => InvokeAsync("cold", _cold ??= Cold, cancellationToken);

    public Task<Outcome> HotAsync(CancellationToken cancellationToken) => InvokeAsync("hot", _hot ??= Hot, cancellationToken);

    public FunctionCall Cold => new() { Image = BusyboxImage, Command = ["cat"], Input = CallInput.FromBytes(_payload) };

    public FunctionCall Hot => new()
    {
        Image = TestFunctionImage,
        Format = FunctionFormat.HttpStream,
        Input = CallInput.FromBytes(_payload),
        AppName = "loadtests",
        FunctionName = "echo",
    };

    public async Task<Outcome> InvokeAsync(string step, FunctionCall call, CancellationToken cancellationToken)
    {
        using var result = await executor.InvokeAsync(call, cancellationToken);
        var outcome = Outcome.FromResult(step, result);
        return outcome.Ok && result.Output.Length != _payload.Length
            ? new Outcome(step, false, "wrong output", $"{result.Output.Length} bytes echoed, {_payload.Length} sent")
            : outcome;
    }

    public static byte[] CreatePayload(int bytes)
    {
        var payload = new byte[bytes];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        return payload;
    }
}
