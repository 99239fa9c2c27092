using System.Diagnostics;
using System.Net;
using FnPipeline.Protocol;

namespace FnPipeline.Tests.Protocol;

public sealed class HttpStreamRequestFactoryTests
{
    private static readonly DateTimeOffset Deadline = new(2026, 11, 28, 13, 5, 0, 123, TimeSpan.FromHours(2));

    private static FunctionCall CreateCall(params KeyValuePair<string, string>[] headers) => new()
    {
        Image = "fn/a:1",
        Format = FunctionFormat.HttpStream,
        Input = CallInput.FromString("payload"),
        Headers = headers,
    };

    [Fact]
    public void Create_RequestLine_IsPostCallOverHttp11ToLocalhost()
    {
        using var sut = HttpStreamRequestFactory.Create(CreateCall(), "id", Deadline);

        sut.Method.ShouldBe(HttpMethod.Post);
        sut.RequestUri!.ToString().ShouldBe("http://localhost/call");
        sut.Version.ShouldBe(HttpVersion.Version11);
        sut.VersionPolicy.ShouldBe(HttpVersionPolicy.RequestVersionExact);
    }

    [Fact]
    public void Create_ContractHeaders_CarryCallIdAndUtcDeadline()
    {
        using var sut = HttpStreamRequestFactory.Create(CreateCall(), "call-1", Deadline);

        sut.Headers.GetValues("Fn-Call-Id").ShouldBe(["call-1"]);
        sut.Headers.GetValues("Fn-Deadline").ShouldBe(["2026-11-28T11:05:00.123Z"]);
    }

    [Fact]
    public void Create_CallerHeaders_PassWithoutHopByHopOrExecutorOwnedOnes()
    {
        using var sut = HttpStreamRequestFactory.Create(
            CreateCall(
                new("X-A", "1"),
                new("Content-Type", "application/json"),
                new("Keep-Alive", "timeout=1"),
                new("Host", "evil"),
                new("Expect", "100-continue"),
                new("Fn-Deadline", "never"),
                new("Content-Length", "999")),
            "id",
            Deadline);

        sut.Headers.GetValues("X-A").ShouldBe(["1"]);
        sut.Content!.Headers.ContentType!.ToString().ShouldBe("application/json");
        sut.Content.Headers.ContentLength.ShouldBe(7);
        sut.Headers.Contains("Keep-Alive").ShouldBeFalse();
        sut.Headers.Contains("Host").ShouldBeFalse();
        sut.Headers.Contains("Expect").ShouldBeFalse();
        sut.Headers.GetValues("Fn-Deadline").ShouldBe(["2026-11-28T11:05:00.123Z"]);
    }

    [Fact]
    public async Task Create_Body_IsTheInput()
    {
        using var sut = HttpStreamRequestFactory.Create(CreateCall(), "id", Deadline);

        (await sut.Content!.ReadAsStringAsync()).ShouldBe("payload");
    }

    [Fact]
    public void Create_UnseekableStreamInput_HasNoLength()
    {
        using var stream = new UnseekableStream();
        var call = CreateCall() with { Input = CallInput.FromStream(stream) };

        using var sut = HttpStreamRequestFactory.Create(call, "id", Deadline);

        sut.Content!.Headers.ContentLength.ShouldBeNull();
    }

    [Fact]
    public void Create_UnderAnActivity_TraceparentAndTracestateAreItsOwnAndReplaceTheCallers()
    {
        using var activity = new Activity("round-trip").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "vendor=1";

        using var sut = HttpStreamRequestFactory.Create(CreateCall(new("traceparent", "00-caller-stale-01"), new("tracestate", "stale=1")), "id", Deadline);

        sut.Headers.GetValues("traceparent").ShouldBe([activity.Id!]);
        activity.Id!.ShouldContain(activity.TraceId.ToHexString());
        sut.Headers.GetValues("tracestate").ShouldBe(["vendor=1"]);
    }

    [Fact]
    public void Create_WithoutAnActivity_NoTraceparentIsAdded()
    {
        Activity.Current = null;

        using var plain = HttpStreamRequestFactory.Create(CreateCall(), "id", Deadline);
        using var passed = HttpStreamRequestFactory.Create(CreateCall(new KeyValuePair<string, string>("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")), "id", Deadline);

        plain.Headers.Contains("traceparent").ShouldBeFalse();
        passed.Headers.GetValues("traceparent").ShouldBe(["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"]);
    }

    private sealed class UnseekableStream() : MemoryStream([1, 2, 3])
    {
        public override bool CanSeek => false;
    }
}
