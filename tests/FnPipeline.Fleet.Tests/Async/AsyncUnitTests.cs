using FnPipeline.Fleet.Async;
using FnPipeline.Fleet.Wire;
using Microsoft.Extensions.Options;

namespace FnPipeline.Fleet.Tests.Async;

/// <summary>The asynchronous-call rules that need no NATS: options, back-off, retry verdicts, callback requests.</summary>
public sealed class AsyncUnitTests
{
    [Fact]
    public void DefaultOptions_AreValid()
    {
        new FleetAsyncOptions().Problems().ShouldBeEmpty();
    }

    [Fact]
    public void EveryOptionProblem_IsNamed_AtOnce()
    {
        var options = new FleetAsyncOptions
        {
            Replicas = 7,
            AckWait = TimeSpan.FromMilliseconds(500),
            MaxAttempts = 0,
            RetryDelay = TimeSpan.FromSeconds(10),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            CallbackAttempts = -1,
        };

        var error = Should.Throw<OptionsValidationException>(options.ThrowIfInvalid);

        error.Failures.ShouldContain("Replicas must be 1 to 5 (was 7)");
        error.Failures.ShouldContain(f => f.StartsWith("AckWait must be at least 1 s", StringComparison.Ordinal));
        error.Failures.ShouldContain("MaxAttempts must be at least 1 (was 0)");
        error.Failures.ShouldContain(f => f.StartsWith("MaxRetryDelay (00:00:01) must not be shorter than RetryDelay", StringComparison.Ordinal));
        error.Failures.ShouldContain("CallbackAttempts must not be negative (was -1)");
        error.Failures.Count().ShouldBe(5);
    }

    [Fact]
    public void RetryDelay_Doubles_UpToTheCap()
    {
        var options = new FleetAsyncOptions { RetryDelay = TimeSpan.FromSeconds(2), MaxRetryDelay = TimeSpan.FromSeconds(10) };

        options.RetryDelayAfter(1).ShouldBe(TimeSpan.FromSeconds(2));
        options.RetryDelayAfter(2).ShouldBe(TimeSpan.FromSeconds(4));
        options.RetryDelayAfter(3).ShouldBe(TimeSpan.FromSeconds(8));
        options.RetryDelayAfter(4).ShouldBe(TimeSpan.FromSeconds(10));
        options.RetryDelayAfter(60).ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(null, "Store")]
    [InlineData(FnErrorKind.EngineError, "RetryEngineFailure")]
    [InlineData(FnErrorKind.TooBusy, "RetryEngineFailure")]
    [InlineData(FnErrorKind.ShuttingDown, "RetryEngineFailure")]
    [InlineData(FnErrorKind.ImagePullTimeout, "RetryEngineFailure")]
    [InlineData(FnErrorKind.ImagePullFailed, "RetryEngineFailure")]
    [InlineData(FnErrorKind.StartTimeout, "RetryEngineFailure")]
    [InlineData(FnErrorKind.ContainerExit, "FunctionFailure")]
    [InlineData(FnErrorKind.Timeout, "FunctionFailure")]
    [InlineData(FnErrorKind.OutOfMemory, "FunctionFailure")]
    [InlineData(FnErrorKind.FunctionFailed, "FunctionFailure")]
    [InlineData(FnErrorKind.InvalidCall, "Store")]
    [InlineData(FnErrorKind.ImageNotFound, "Store")]
    [InlineData(FnErrorKind.ImageUnauthorized, "Store")]
    public void Outcome_HasItsVerdict(FnErrorKind? kind, string verdict)
    {
        using var result = Result(kind);

        AsyncFailures.Classify(result, nodeStopping: false).ToString().ShouldBe(verdict);
    }

    [Fact]
    public void CancelledByTheNodesStop_IsHandedOn_Uncounted()
    {
        using var result = Result(FnErrorKind.Cancelled);

        AsyncFailures.Classify(result, nodeStopping: true).ShouldBe(RunVerdict.Abandoned);
        AsyncFailures.Classify(result, nodeStopping: false).ShouldBe(RunVerdict.RetryEngineFailure);
    }

    [Fact]
    public async Task CallbackRequest_CarriesTheOutcome_InHeaders_AndTheOutputAsBody()
    {
        using var result = new CallOutcome
        {
            CallId = "c1",
            Status = InvocationStatus.Error,
            ErrorKind = FnErrorKind.FunctionFailed,
            ErrorStatusCode = 502,
            ErrorMessage = "function answered 500\nwith a second line",
            FunctionStatusCode = 500,
            Headers = [new("Content-Type", "application/json"), new("X-Trace", "t-1")],
        }.ToResult("{\"oops\":true}"u8);

        using var request = CallbackSender.Build(new Uri("http://127.0.0.1:9/cb"), result, "node-7");

        request.Method.ShouldBe(HttpMethod.Post);
        request.Headers.GetValues("Fn-Call-Id").ShouldBe(["c1"]);
        request.Headers.GetValues("Fnp-Status").ShouldBe(["Error"]);
        request.Headers.GetValues("Fnp-Node").ShouldBe(["node-7"]);
        request.Headers.GetValues("Fnp-Function-Status").ShouldBe(["500"]);
        request.Headers.GetValues("Fnp-Error-Kind").ShouldBe(["FunctionFailed"]);
        request.Headers.GetValues("Fnp-Error-Status").ShouldBe(["502"]);
        request.Headers.GetValues("Fnp-Error").ShouldBe(["function answered 500 with a second line"]);
        request.Headers.GetValues("Fn-Http-H-X-Trace").ShouldBe(["t-1"]);
        request.Content.ShouldNotBeNull().Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("application/json");
        (await request.Content.ReadAsStringAsync()).ShouldBe("{\"oops\":true}");
    }

    [Theory]
    [InlineData("abc-DEF_1.2", true)]
    [InlineData(".leading", false)]
    [InlineData("trailing.", false)]
    [InlineData("sp ace", false)]
    [InlineData("a/b", false)]
    public void CallId_IsAResultsKey(string callId, bool valid)
    {
        AsyncCallClient.IsValidKey(callId).ShouldBe(valid);
    }

    [Fact]
    public async Task Submit_RefusesABadCallbackAndLimit_BeforeReachingNats()
    {
        // Nothing listens on this port: the call is refused before any connection is tried.
        await using var client = new AsyncCallClient(new FleetOptions { Url = "nats://127.0.0.1:9", Fleet = "unit" });
        var call = new FunctionCall { Image = "fnpipeline/testfn:latest", CallId = "ok-id" };

        var error = await Should.ThrowAsync<InvalidFunctionCallException>(() =>
            client.SubmitAsync(call, new AsyncCallOptions { CallbackUrl = new Uri("ftp://x/y"), MaxInFlight = 0 }));

        error.Problems.ShouldContain("CallbackUrl 'ftp://x/y' must be an absolute http:// or https:// URL");
        error.Problems.ShouldContain("MaxInFlight must be at least 1 (was 0)");
    }

    private static InvocationResult Result(FnErrorKind? kind) => new CallOutcome
    {
        CallId = "c",
        Status = kind is null ? InvocationStatus.Success : InvocationStatus.Error,
        ErrorKind = kind,
        ErrorStatusCode = 500,
    }.ToResult([]);
}
