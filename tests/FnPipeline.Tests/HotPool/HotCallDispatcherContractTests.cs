using FnPipeline.Tests.Fakes;
using System.Text;
using FnPipeline.Tests.HotPool.Fakes;

namespace FnPipeline.Tests.HotPool;

public sealed class HotCallDispatcherContractTests
{
    [Theory]
    [InlineData(502, InvocationStatus.Error, FnErrorKind.FunctionFailed)]
    [InlineData(504, InvocationStatus.Timeout, FnErrorKind.Timeout)]
    public async Task InvokeAsync_FunctionReportsFailure_KeepsTheContainer(int status, InvocationStatus expected, FnErrorKind kind)
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = (_, request, _) => Task.FromResult(request.BodyText == "fail" ? FakeResponse.Text("{\"message\":\"boom\"}", status) : new FakeResponse { Body = request.Body }),
        };

        using var failed = await sut.InvokeAsync(HotPoolHarness.Call("fail"));
        using var next = await sut.InvokeAsync(HotPoolHarness.Call("ok"));

        failed.Status.ShouldBe(expected);
        failed.Error!.Kind.ShouldBe(kind);
        failed.Error.StatusCode.ShouldBe(status);
        failed.FunctionStatusCode.ShouldBe(status);
        failed.OutputAsString().ShouldBe("{\"message\":\"boom\"}");
        next.IsSuccess.ShouldBeTrue();
        next.ContainerId.ShouldBe(failed.ContainerId);
        sut.Driver.Created.ShouldBe(1);
    }

    [Fact]
    public async Task InvokeAsync_FunctionAnswersWithoutReadingALargeBody_GetsItsAnswer_OnANewConnectionNextTime()
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            // Larger than any socket buffer: the client is still writing when the function answers and closes.
            AnswersBeforeBody = head => long.Parse(head.Header("Content-Length") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > 1_000_000,
            Handler = (_, request, _) => Task.FromResult(request.Body.Length == 0 ? FakeResponse.Text("answered early") : new FakeResponse { Body = request.Body }),
        };
        var large = new string('y', 6_600_000);

        using var early = await sut.InvokeAsync(HotPoolHarness.Call(large));
        using var next = await sut.InvokeAsync(HotPoolHarness.Call("ok"));

        early.IsSuccess.ShouldBeTrue(early.ToString());
        early.OutputAsString().ShouldBe("answered early");
        next.OutputAsString().ShouldBe("ok", next.ToString());
        next.ContainerId.ShouldBe(early.ContainerId, "the function answered properly: its container is kept");
        sut.Driver.Created.ShouldBe(1);
        sut.Driver.Containers[0].Server!.ConnectionsAccepted.ShouldBe(2, "the cut connection is not reused");
    }

    [Fact]
    public async Task InvokeAsync_FunctionClosesWithoutAnsweringOrReadingALargeBody_IsStillAFailure()
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            AnswersBeforeBody = head => long.Parse(head.Header("Content-Length") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > 1_000_000,
            Handler = (_, request, _) => Task.FromResult(request.Body.Length == 0 ? new FakeResponse { Drop = true } : new FakeResponse { Body = request.Body }),
        };

        using var dropped = await sut.InvokeAsync(HotPoolHarness.Call(new string('y', 6_600_000)));
        using var next = await sut.InvokeAsync(HotPoolHarness.Call("ok"));

        dropped.Error!.Kind.ShouldBe(FnErrorKind.InvalidFunctionResponse, dropped.ToString());
        dropped.Error.Message.ShouldStartWith("error receiving function response");
        next.OutputAsString().ShouldBe("ok", next.ToString());
        next.ContainerId.ShouldNotBe(dropped.ContainerId, "no answer came: the connection broke mid-request");
    }

    [Theory]
    [InlineData(500)]
    [InlineData(400)]
    [InlineData(201)]
    [InlineData(404)]
    public async Task InvokeAsync_StatusOutsideTheContract_Returns502AndReplacesTheContainer(int status)
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = (_, request, _) => Task.FromResult(request.BodyText == "bad" ? FakeResponse.Text("nope", status) : new FakeResponse { Body = request.Body }),
        };

        using var bad = await sut.InvokeAsync(HotPoolHarness.Call("bad"));
        using var next = await sut.InvokeAsync(HotPoolHarness.Call("ok"));

        bad.Error!.Kind.ShouldBe(FnErrorKind.InvalidFunctionResponse);
        bad.Error.StatusCode.ShouldBe(502);
        bad.Error.Message.ShouldStartWith("invalid function response");
        bad.FunctionStatusCode.ShouldBe(status);
        next.IsSuccess.ShouldBeTrue();
        next.ContainerId.ShouldNotBe(bad.ContainerId);
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 1, "the first container removed");
    }

    [Fact]
    public async Task InvokeAsync_ContainerCrashesMidCall_Returns502AndTheNextCallGetsANewContainer()
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = (container, request, _) =>
            {
                if (request.BodyText == "crash")
                {
                    container.Crash(134);
                    return Task.FromResult(new FakeResponse { Drop = true });
                }

                return Task.FromResult(new FakeResponse { Body = request.Body });
            },
        };

        using var crashed = await sut.InvokeAsync(HotPoolHarness.Call("crash"));
        using var next = await sut.InvokeAsync(HotPoolHarness.Call("after"));

        crashed.Error!.Kind.ShouldBe(FnErrorKind.InvalidFunctionResponse);
        crashed.Error.StatusCode.ShouldBe(502);
        crashed.Error.Message.ShouldBe("error receiving function response: the container exited with code 134 during the call");
        next.OutputAsString().ShouldBe("after");
        next.ContainerId.ShouldNotBe(crashed.ContainerId);
    }

    [Fact]
    public async Task InvokeAsync_ContainerOutOfMemoryMidCall_ReturnsKilled()
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = (container, _, _) =>
            {
                container.Crash(137, oomKilled: true);
                return Task.FromResult(new FakeResponse { Drop = true });
            },
        };

        using var result = await sut.InvokeAsync(HotPoolHarness.Call());

        result.Status.ShouldBe(InvocationStatus.Killed);
        result.Error!.Kind.ShouldBe(FnErrorKind.OutOfMemory);
    }

    [Fact]
    public async Task InvokeAsync_CallRunsPastItsTimeout_Returns504AndKillsTheContainer()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, request, token) =>
            {
                // The function's work: it runs until its call is cancelled (the fake's behaviour, not a wait of the test).
                await Task.Delay(Timeout.Infinite, token);
                return new FakeResponse();
            },
        };

        var call = sut.InvokeAsync(HotPoolHarness.Call("slow", c => c.Timeout = TimeSpan.FromSeconds(3)));
        await Eventually.HoldsAsync(() => sut.RequestsReceived == 1, "the call reached the container");
        sut.FakeTime.Advance(TimeSpan.FromSeconds(3));
        using var result = await call;

        result.Status.ShouldBe(InvocationStatus.Timeout);
        result.Error!.Kind.ShouldBe(FnErrorKind.Timeout);
        result.Error.StatusCode.ShouldBe(504);
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0, "the container removed");
    }

    [Fact]
    public async Task InvokeAsync_CallerCancelsMidCall_ReturnsCancelledAndReplacesTheContainer()
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, request, token) =>
            {
                // The function's work: it runs until its call is cancelled (the fake's behaviour, not a wait of the test).
                await Task.Delay(Timeout.Infinite, token);
                return new FakeResponse();
            },
        };
        using var cancel = new CancellationTokenSource();

        var call = sut.InvokeAsync(HotPoolHarness.Call(), cancellationToken: cancel.Token);
        await Eventually.HoldsAsync(() => sut.RequestsReceived == 1, "the call reached the container");
        await cancel.CancelAsync();
        using var result = await call;

        result.Status.ShouldBe(InvocationStatus.Cancelled);
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0, "the container removed");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InvokeAsync_ResponseOverTheCap_Returns502AndKeepsTheContainerWhenDrained(bool chunked)
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = (_, request, _) => Task.FromResult(new FakeResponse { FillBytes = long.Parse(request.BodyText), Chunked = chunked }),
        };

        using var big = await sut.InvokeAsync(HotPoolHarness.Call("2000", c => c.MaxOutputBytes = 1000));
        using var next = await sut.InvokeAsync(HotPoolHarness.Call("10", c => c.MaxOutputBytes = 1000));

        big.Error!.Kind.ShouldBe(FnErrorKind.OutputTooLarge);
        big.Error.Message.ShouldStartWith("function response body too large");
        big.Output.Length.ShouldBe(1000);
        next.IsSuccess.ShouldBeTrue();
        next.ContainerId.ShouldBe(big.ContainerId);
    }

    [Fact]
    public async Task InvokeAsync_ResponseFarOverTheCap_ReplacesTheContainer()
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = (_, request, _) => Task.FromResult(new FakeResponse { FillBytes = long.Parse(request.BodyText) }),
        };

        using var huge = await sut.InvokeAsync(HotPoolHarness.Call("5000000", c => c.MaxOutputBytes = 1000));
        using var next = await sut.InvokeAsync(HotPoolHarness.Call("10", c => c.MaxOutputBytes = 1000));

        huge.Error!.Kind.ShouldBe(FnErrorKind.OutputTooLarge);
        next.IsSuccess.ShouldBeTrue();
        next.ContainerId.ShouldNotBe(huge.ContainerId);
    }

    [Fact]
    public async Task InvokeAsync_ResponseHeadersTooLarge_Returns502AndReplacesTheContainer()
    {
        await using var sut = HotPoolHarness.Create(o => o.Hot.MaxResponseHeaderBytes = 1024);
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = (_, _, _) => Task.FromResult(new FakeResponse { Headers = [new("X-Big", new string('a', 4000))] }),
        };

        using var result = await sut.InvokeAsync(HotPoolHarness.Call());

        result.Error!.Message.ShouldStartWith("function response header too large");
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0, "the container removed");
    }

    [Fact]
    public async Task InvokeAsync_Request_CarriesCallIdDeadlineAndCallerHeadersWithoutHopByHop()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime();
        using var result = await sut.InvokeAsync(
            HotPoolHarness.Call("body", c =>
            {
                c.Timeout = TimeSpan.FromSeconds(30);
                c.Headers.Add(new("X-Custom", "one"));
                c.Headers.Add(new("Content-Type", "text/plain"));
                c.Headers.Add(new("Connection", "close, X-Private"));
                c.Headers.Add(new("X-Private", "secret"));
                c.Headers.Add(new("Transfer-Encoding", "gzip"));
                c.Headers.Add(new("Fn-Call-Id", "forged"));
            }),
            callId: "call-123");

        result.IsSuccess.ShouldBeTrue(result.ToString());
        var request = sut.Driver.Containers.Single().Server!.Requests.Single();
        request.Method.ShouldBe("POST");
        request.Target.ShouldBe("/call");
        request.Version.ShouldBe("HTTP/1.1");
        request.Header("Host").ShouldBe("localhost");
        request.Header("Fn-Call-Id").ShouldBe("call-123");
        request.Headers.Count(h => h.Key == "Fn-Call-Id").ShouldBe(1);
        var deadline = DateTimeOffset.Parse(request.Header("Fn-Deadline")!, System.Globalization.CultureInfo.InvariantCulture);
        deadline.ShouldBe(sut.Time.GetUtcNow() + TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
        request.Header("Fn-Deadline")!.ShouldEndWith("Z");
        request.Header("X-Custom").ShouldBe("one");
        request.Header("Content-Type").ShouldBe("text/plain");
        request.Header("Content-Length").ShouldBe("4");
        request.Has("X-Private").ShouldBeFalse();
        request.Has("Connection").ShouldBeFalse();
        request.Has("Transfer-Encoding").ShouldBeFalse();
        request.Has("traceparent").ShouldBeFalse();
    }

    [Fact]
    public async Task InvokeAsync_StreamInputOfUnknownLength_IsSentChunked()
    {
        await using var sut = HotPoolHarness.Create();
        await using var input = new NonSeekableStream(Encoding.UTF8.GetBytes("streamed body"));
        var call = HotPoolHarness.Call() with { Input = CallInput.FromStream(input) };

        using var result = await sut.InvokeAsync(call);

        result.OutputAsString().ShouldBe("streamed body");
        var request = sut.Driver.Containers.Single().Server!.Requests.Single();
        request.Header("Transfer-Encoding").ShouldBe("chunked");
    }

    [Fact]
    public async Task InvokeAsync_Response_HeadersComeBackWithoutHopByHop()
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = (_, _, _) => Task.FromResult(new FakeResponse
            {
                Body = "ok"u8.ToArray(),
                Chunked = true,
                Headers = [new("Content-Type", "application/json"), new("Fn-Http-Status", "201"), new("Keep-Alive", "timeout=5")],
            }),
        };

        using var result = await sut.InvokeAsync(HotPoolHarness.Call());

        var headers = result.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        headers["Content-Type"].ShouldBe("application/json");
        headers["Fn-Http-Status"].ShouldBe("201");
        headers.ShouldNotContainKey("Keep-Alive");
        headers.ShouldNotContainKey("Transfer-Encoding");
    }

    [Fact]
    public async Task InvokeAsync_OutputDuringTheCall_IsCapturedForTheResult()
    {
        await using var sut = HotPoolHarness.Create(o => o.MaxStderrBytes = 64);
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = (container, request, _) =>
            {
                container.WriteStderr("to stderr\n");
                container.WriteStdout("to stdout\n");
                return Task.FromResult(new FakeResponse { Body = request.Body });
            },
        };

        using var result = await sut.InvokeAsync(HotPoolHarness.Call());

        result.Stderr.ShouldContain("to stderr");
        result.Stderr.ShouldContain("to stdout");
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
