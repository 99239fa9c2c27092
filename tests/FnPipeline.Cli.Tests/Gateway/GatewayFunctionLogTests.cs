using System.Net;
using System.Text.Json;
using FnPipeline.Cli.Gateway;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>Function logs and stderr in error bodies, against <c>fnpipe serve</c> on the real engine.</summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed class GatewayFunctionLogTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task FailedColdCall_ErrorBodyCarriesItsStderrTail_AndTheFunctionLogHasTheLineWithTheCallId()
    {
        using var response = await fixture.Gateway.Client.PostAsync("/invoke/echo", new StringContent("!bogus\n"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("message").GetString().ShouldBe("container exit code 64");
        json.RootElement.GetProperty("stderr").GetString()!.ShouldContain("unknown or malformed command '!bogus'");
        var callId = response.Headers.GetValues("Fn-Call-Id").Single();

        var line = await LogLineAsync(fixture.Gateway, l => l.Contains(callId, StringComparison.Ordinal) && l.Contains("unknown or malformed command", StringComparison.Ordinal));
        line.ShouldContain("info: FnPipeline.Function[351]");
        line.ShouldContain($"[echo ");
        line.ShouldContain($" stderr call {callId}]");
    }

    [Fact]
    public async Task JsonFormatterFromTheEnvironment_LogsJsonLines_AndStderrInErrorsCanBeTurnedOff()
    {
        var environment = new Dictionary<string, string?> { ["Logging__Console__FormatterName"] = "json" };
        await using var gateway = await GatewayProcess.StartAsync(GatewayFixture.FunctionsYaml, ["--error-stderr-bytes", "0", .. GatewayFixture.WholeAnswers], environment);

        using var response = await gateway.Client.PostAsync("/invoke/echo", new StringContent("!bogus\n"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        using (var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            json.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(["message"]);
        }

        var callId = response.Headers.GetValues("Fn-Call-Id").Single();
        var line = await LogLineAsync(gateway, l => l.Contains(callId, StringComparison.Ordinal) && l.Contains("FnPipeline.Function", StringComparison.Ordinal));
        using var entry = JsonDocument.Parse(line);
        entry.RootElement.GetProperty("Category").GetString().ShouldBe("FnPipeline.Function");
        entry.RootElement.GetProperty("LogLevel").GetString().ShouldBe("Information");
        var state = entry.RootElement.GetProperty("State");
        state.GetProperty("CallId").GetString().ShouldBe(callId);
        state.GetProperty("Function").GetString().ShouldBe("echo");
        state.GetProperty("Stream").GetString().ShouldBe("stderr");
        state.GetProperty("Line").GetString()!.ShouldContain("unknown or malformed command '!bogus'");

        // Every line the gateway logs is JSON, its own start-up lines included.
        var logged = gateway.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        logged.Length.ShouldBeGreaterThan(1);
        foreach (var text in logged)
        {
            using var parsed = JsonDocument.Parse(text);
            parsed.RootElement.TryGetProperty("Category", out _).ShouldBeTrue(text);
        }
    }

    [Fact]
    public async Task SuccessfulCall_HasNoLineAtTheDefaultLevel_AFailedCallHasOne()
    {
        // A new hot container's start-up line ("testfn: listening on ...") can reach the log after its first call began,
        // and is then logged with that call's id (docs/operations.md, "Function logs"): a first call, and that line out,
        // before the call this test checks (one caller at a time: the same container serves both).
        using (var first = await fixture.Gateway.Client.PostAsync("/invoke/hot-echo", new StringContent("first")))
        {
            first.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await LogLineAsync(fixture.Gateway, l => l.Contains("testfn: listening on", StringComparison.Ordinal));
        using var ok = await fixture.Gateway.Client.PostAsync("/invoke/hot-echo", new StringContent("quiet"));
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        var okId = ok.Headers.GetValues("Fn-Call-Id").Single();

        using var failed = await fixture.Gateway.Client.PostAsync("/invoke/echo", new StringContent("!bogus\n"));
        failed.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        var failedId = failed.Headers.GetValues("Fn-Call-Id").Single();

        // The console logger writes its queue in order: once the failure's line is out, a line for the success
        // (answered before the failure was even sent) would be out too.
        var line = await LogLineAsync(fixture.Gateway, l => l.Contains($"(call {failedId},", StringComparison.Ordinal));
        line.ShouldContain("info: FnPipeline.Cli.Gateway.FunctionEndpoints[501] POST /invoke/echo -> 502");
        var okLines = fixture.Gateway.Stderr.Split('\n').Where(l => l.Contains(okId, StringComparison.Ordinal)).ToArray();
        okLines.ShouldBeEmpty($"lines with the successful call's id {okId}:\n{string.Join('\n', okLines)}");
    }

    /// <summary>Waits (generously: the console logger writes from its own queue) for a logged line that matches.</summary>
    private static async Task<string> LogLineAsync(GatewayProcess gateway, Func<string, bool> match) =>
        (await Eventually.FoundAsync(
            () => Task.FromResult(gateway.Stderr.Split('\n').FirstOrDefault(match)),
            TimeSpan.FromSeconds(30),
            () => $"a matching log line; the gateway logged:\n{gateway.Stderr}")).Trim();
}

public sealed class GatewayCallLineLevelTests
{
    [Theory]
    [InlineData(200, Microsoft.Extensions.Logging.LogLevel.Debug)]
    [InlineData(204, Microsoft.Extensions.Logging.LogLevel.Debug)]
    [InlineData(302, Microsoft.Extensions.Logging.LogLevel.Debug)]
    [InlineData(400, Microsoft.Extensions.Logging.LogLevel.Information)]
    [InlineData(502, Microsoft.Extensions.Logging.LogLevel.Information)]
    [InlineData(503, Microsoft.Extensions.Logging.LogLevel.Information)]
    public void SuccessIsDebug_FailureIsInformation(int statusCode, Microsoft.Extensions.Logging.LogLevel expected) =>
        GatewayLog.AnsweredLevel(statusCode).ShouldBe(expected);
}

public sealed class GatewayStderrTailTests
{
    [Fact]
    public void ShortStderr_IsWhole() => GatewayResponses.StderrTail("boom\n", 4096).ShouldBe("boom\n");

    [Theory]
    [InlineData("", 4096)]
    [InlineData("boom", 0)]
    public void NoStderrOrTurnedOff_IsLeftOut(string stderr, int maxBytes) => GatewayResponses.StderrTail(stderr, maxBytes).ShouldBeNull();

    [Fact]
    public void LongStderr_KeepsTheLastLinesWithinTheCap()
    {
        var stderr = string.Concat(Enumerable.Range(1, 1000).Select(i => $"line {i}\n"));

        var tail = GatewayResponses.StderrTail(stderr, 100)!;

        System.Text.Encoding.UTF8.GetByteCount(tail).ShouldBeLessThanOrEqualTo(100);
        tail.ShouldEndWith("line 1000\n");
        tail.ShouldStartWith("line ");
        stderr.ShouldEndWith(tail);
    }

    [Fact]
    public void Cut_NeverSplitsACharacter()
    {
        var tail = GatewayResponses.StderrTail(new string('é', 100), 11)!;

        tail.ShouldBe(new string('é', 5));
    }
}
