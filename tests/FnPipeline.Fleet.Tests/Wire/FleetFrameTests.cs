using System.Buffers;
using FnPipeline.Fleet.Wire;

namespace FnPipeline.Fleet.Tests.Wire;

public sealed class FleetFrameTests
{
    [Fact]
    public void CallSpec_RoundTrips_WithTheInputAsBody()
    {
        var call = new FunctionCall
        {
            Image = "fnpipeline/testfn:latest",
            Format = FunctionFormat.HttpStream,
            Command = ["--echo"],
            Environment = new Dictionary<string, string> { ["A"] = "1" },
            MemoryMB = 64,
            Timeout = TimeSpan.FromSeconds(7.5),
            Headers = [new("Content-Type", "text/plain")],
            Volumes = [new VolumeMount("/tmp/a", "/data", ReadOnly: true)],
            FunctionName = "echo",
            CallId = "call-1",
        };
        var body = new byte[70_000];
        Random.Shared.NextBytes(body);
        var writer = new ArrayBufferWriter<byte>(16);

        FleetFrame.Write(writer, CallSpec.From(call), FleetJsonContext.Default.CallSpec, body);
        var (head, rest) = FleetFrame.Read(new ReadOnlySequence<byte>(writer.WrittenMemory), FleetJsonContext.Default.CallSpec);
        var back = head.ToCall(CallInput.FromBytes(rest.ToArray()));

        back.Image.ShouldBe(call.Image);
        back.Format.ShouldBe(FunctionFormat.HttpStream);
        back.Command.ShouldBe(["--echo"]);
        back.Environment["A"].ShouldBe("1");
        back.MemoryMB.ShouldBe(64);
        back.Timeout.ShouldBe(TimeSpan.FromSeconds(7.5));
        back.Headers.ShouldBe([new("Content-Type", "text/plain")]);
        back.Volumes.ShouldBe([new VolumeMount("/tmp/a", "/data", true)]);
        back.FunctionName.ShouldBe("echo");
        back.CallId.ShouldBe("call-1");
        back.Input.Bytes.ToArray().ShouldBe(body);
    }

    [Fact]
    public void Outcome_RoundTrips_IntoAResultThatOwnsItsOutput()
    {
        var outcome = new CallOutcome
        {
            CallId = "c",
            Status = InvocationStatus.Error,
            ErrorKind = FnErrorKind.ContainerExit,
            ErrorStatusCode = 502,
            ErrorMessage = "container exit code 3",
            ExitCode = 3,
            Stderr = "boom",
            NodeId = "node-1",
            TimingsMs = [1, 2, 3, 4, 5, 6],
        };
        var writer = new ArrayBufferWriter<byte>();

        FleetFrame.Write(writer, outcome, FleetJsonContext.Default.CallOutcome, "out"u8);
        var (head, body) = FleetFrame.Read(new ReadOnlySequence<byte>(writer.WrittenMemory), FleetJsonContext.Default.CallOutcome);
        using var result = head.ToResult(body.ToArray());

        result.Status.ShouldBe(InvocationStatus.Error);
        result.Error.ShouldBe(new FnError(FnErrorKind.ContainerExit, 502, "container exit code 3"));
        result.ExitCode.ShouldBe(3);
        result.Stderr.ShouldBe("boom");
        result.OutputAsString().ShouldBe("out");
        result.Timings.Run.ShouldBe(TimeSpan.FromMilliseconds(6));
        result.Timings.SocketWait.ShouldBe(TimeSpan.FromMilliseconds(5));
    }

    [Theory]
    [InlineData(new byte[] { 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 9, (byte)'{', (byte)'}' })]
    [InlineData(new byte[] { 0, 0, 0, 2, (byte)'{', (byte)'x' })]
    public void MalformedPayload_ThrowsAProtocolError_SayingWhat(byte[] payload)
    {
        var error = Should.Throw<FleetProtocolException>(
            () => FleetFrame.Read(new ReadOnlySequence<byte>(payload), FleetJsonContext.Default.CallSpec));

        error.Message.ShouldStartWith("a fleet message");
    }

    [Fact]
    public void FunctionKey_IgnoresWhatVariesPerCall_AndSeparatesWhatShapesTheContainer()
    {
        var call = new FunctionCall { Image = "img:1", Format = FunctionFormat.HttpStream, MemoryMB = 128 };

        var key = FleetFunctionKey.Compute(call);

        key.Length.ShouldBe(16);
        FleetFunctionKey.Compute(call with { CallId = "x", Timeout = TimeSpan.FromSeconds(3), Input = CallInput.FromString("hi") }).ShouldBe(key);
        FleetFunctionKey.Compute(call with { MemoryMB = 256 }).ShouldNotBe(key);
        FleetFunctionKey.Compute(call with { Image = "img:2" }).ShouldNotBe(key);
    }
}
