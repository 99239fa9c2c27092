using System.Text.Json;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Invoke;

/// <summary><c>fnpipe invoke</c> as a process on the real engine: output, report, exit codes, --json.</summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed class CliInvokeTests(EngineFixture engine)
{
    [Fact]
    public async Task ColdEcho_OutputOnStdout_ReportOnStderr_Exit0()
    {
        var result = await Fnpipe.InvokeAsync(TestImages.TestFunction, "hello from the cli");

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldBe("hello from the cli");
        var report = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        report.Length.ShouldBe(3, result.StandardError);
        report[0].ShouldMatch(@"^fnpipe: success \(call [0-9a-f]{32}, container exit code 0, [0-9.]+ ms in all, fnpipe exit code 0\)$");
        report[1].ShouldMatch(@"^fnpipe: stages: queue [0-9.]+ ms, image [0-9.]+ ms, create [0-9.]+ ms, start [0-9.]+ ms, run [0-9.]+ ms, cleanup [0-9.]+ ms$");
        report[2].ShouldStartWith("fnpipe: stats: ");
        (await engine.RunContainersAsync()).ShouldBeEmpty("the call's container is removed before fnpipe exits");
    }

    [Fact]
    public async Task FunctionStderr_IsPassedThroughBeforeTheReport()
    {
        var result = await Fnpipe.InvokeAsync(TestImages.TestFunction, "!stderr 2\npayload");

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldBe("payload");
        result.StandardError.ShouldStartWith("stderr line 1\nstderr line 2\nfnpipe: success");
    }

    [Fact]
    public async Task CommandOverride_WithCmd()
    {
        var result = await Fnpipe.InvokeAsync(TestImages.Busybox, input: null, "--cmd", "sh", "-c", "echo from sh; echo to stderr >&2");

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldBe("from sh\n");
        result.StandardError.ShouldStartWith("to stderr\n");
    }

    [Fact]
    public async Task EnvironmentOption_ReachesTheFunction()
    {
        var result = await Fnpipe.InvokeAsync(TestImages.TestFunction, "!env", "--env", "GREETING=hello", "-e", "EMPTY=");

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.Split('\n').ShouldContain("GREETING=hello");
        result.StandardOutput.Split('\n').ShouldContain("EMPTY=");
    }

    [Fact]
    public async Task NonZeroContainerExit_IsFunctionError_Exit1()
    {
        var result = await Fnpipe.InvokeAsync(TestImages.TestFunction, "!exit 3\nbefore exit");

        result.ExitCode.ShouldBe(1, result.StandardError);
        result.StandardOutput.ShouldBe("before exit");
        result.StandardError.ShouldContain("fnpipe: error: 502 ContainerExit: container exit code 3 (call ");
        result.StandardError.ShouldContain("container exit code 3, ");
        result.StandardError.ShouldContain("fnpipe exit code 1)");
    }

    [Fact]
    public async Task Timeout_Exit3()
    {
        var result = await Fnpipe.InvokeAsync(TestImages.TestFunction, "!sleep 10000", "--timeout", "1s");

        result.ExitCode.ShouldBe(3, result.StandardError);
        result.StandardError.ShouldContain("fnpipe: timeout: 504 Timeout: ");
    }

    [Fact]
    public async Task OutOfMemory_Exit4()
    {
        var result = await Fnpipe.InvokeAsync(TestImages.TestFunction, "!alloc 64", "--memory", "16");

        result.ExitCode.ShouldBe(4, result.StandardError);
        result.StandardError.ShouldContain("fnpipe: killed: 502 OutOfMemory: ");
    }

    [Fact]
    public async Task ImageThatCannotBePulled_Exit5()
    {
        // The local registry (scripts/registry-up.sh) refuses anonymous pulls; without it the pull is refused too: both are image errors.
        var result = await Fnpipe.InvokeAsync("127.0.0.1:5000/fnpipeline/nosuch:latest", input: "");

        result.ExitCode.ShouldBe(5, result.StandardError);
        result.StandardError.ShouldContain("fnpipe: error: ");
        result.StandardError.ShouldContain("127.0.0.1:5000/fnpipeline/nosuch:latest");
    }

    [Fact]
    public async Task InvalidCall_Exit2_ListsTheProblems()
    {
        var result = await Fnpipe.InvokeAsync(TestImages.TestFunction, "", "--env", "FN_FORMAT=x", "--label", "fnpipeline.managed=no");

        result.ExitCode.ShouldBe(2, result.StandardError);
        result.StandardError.ShouldBe(
            "fnpipe: Invalid function call for image 'fnpipeline/testfn:latest': Environment name 'FN_FORMAT' is reserved by the container contract; " +
            "Label 'fnpipeline.managed' is reserved: the executor sets it\n");
    }

    [Fact]
    public async Task UsageError_Exit2_PointsAtHelp()
    {
        var result = await Fnpipe.RunAsync(["invoke", TestImages.TestFunction, "--timeout", "soon"]);

        result.ExitCode.ShouldBe(2);
        result.StandardError.ShouldBe(
            "fnpipe: 'soon' is not a positive duration for --timeout (e.g. 500ms, 30s, 2m, 1h, or a number of seconds)\n" +
            "Run 'fnpipe invoke --help' for usage.\n");
    }

    [Fact]
    public async Task MalformedEnvironmentSetting_Exit2()
    {
        var result = await Fnpipe.RunAsync(["invoke", TestImages.TestFunction], "", new Dictionary<string, string?> { ["FNPIPELINE_MAX_CONTAINERS"] = "many" });

        result.ExitCode.ShouldBe(2);
        result.StandardError.ShouldBe("fnpipe: invalid FNPIPELINE_* setting: FNPIPELINE_MAX_CONTAINERS='many': not an integer\n");
    }

    [Fact]
    public async Task UnreachableEngine_Exit6_PointsAtDoctor()
    {
        var result = await Fnpipe.RunAsync(
            ["invoke", TestImages.TestFunction], "", new Dictionary<string, string?> { ["FNPIPELINE_DOCKER_ENDPOINT"] = "unix:///nonexistent/docker.sock" });

        result.ExitCode.ShouldBe(6);
        result.StandardError.ShouldStartWith("fnpipe: cannot use the Docker engine at unix:///nonexistent/docker.sock: ");
        result.StandardError.ShouldEndWith("Run 'fnpipe doctor' for what to do.\n");
    }

    [Fact]
    public async Task Json_OfAFailedCall_CarriesOnlyAnExcerptOfItsOutput()
    {
        // 300,000 bytes against a 200,000-byte limit: "output too large", with up to the limit held.
        var result = await Fnpipe.RunAsync(
            ["invoke", TestImages.TestFunction, .. TestRun.LabelArguments, "--json"],
            "!bytes 300000",
            new Dictionary<string, string?> { ["FNPIPELINE_MAX_OUTPUT_BYTES"] = "200000" });

        result.ExitCode.ShouldBe(1, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        root.GetProperty("error").GetProperty("kind").GetString().ShouldBe("OutputTooLarge");
        root.GetProperty("output").GetString().ShouldBe(new string('x', 65_536));
        root.GetProperty("outputTruncated").GetBoolean().ShouldBeTrue();
        root.GetProperty("outputBytes").GetInt32().ShouldBeGreaterThan(65_536);
        result.StandardOutput.Length.ShouldBeLessThan(80_000);
    }

    [Fact]
    public async Task Json_IsOneDocumentOnStdout()
    {
        var result = await Fnpipe.InvokeAsync(TestImages.TestFunction, "!exit 3\nsome output", "--json");

        result.ExitCode.ShouldBe(1, result.StandardError);
        result.StandardError.ShouldBeEmpty();
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        root.GetProperty("callId").GetString()!.Length.ShouldBe(32);
        root.GetProperty("status").GetString().ShouldBe("error");
        root.GetProperty("fnpipeExitCode").GetInt32().ShouldBe(1);
        root.GetProperty("containerExitCode").GetInt64().ShouldBe(3);
        root.GetProperty("error").GetProperty("kind").GetString().ShouldBe("ContainerExit");
        root.GetProperty("error").GetProperty("statusCode").GetInt32().ShouldBe(502);
        root.GetProperty("error").GetProperty("message").GetString().ShouldBe("container exit code 3");
        root.GetProperty("output").GetString().ShouldBe("some output");
        root.GetProperty("outputBytes").GetInt32().ShouldBe(11);
        root.GetProperty("outputTruncated").GetBoolean().ShouldBeFalse();
        var timings = root.GetProperty("timingsMs");
        timings.GetProperty("total").GetDouble().ShouldBeGreaterThan(0);
        timings.GetProperty("create").GetDouble().ShouldBeGreaterThan(0);
        timings.GetProperty("cleanup").GetDouble().ShouldBeGreaterThan(0);
        root.GetProperty("stats").ValueKind.ShouldBe(JsonValueKind.Array);
    }

    [Fact]
    public async Task Json_BinaryOutput_IsBase64()
    {
        var result = await Fnpipe.InvokeAsync(TestImages.Busybox, input: null, "--json", "--cmd", "printf", "\\377\\000");

        result.ExitCode.ShouldBe(0, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        json.RootElement.GetProperty("output").ValueKind.ShouldBe(JsonValueKind.Null);
        json.RootElement.GetProperty("outputBase64").GetString().ShouldBe(Convert.ToBase64String(new byte[] { 0xFF, 0x00 }));
    }

    [Fact]
    public async Task Interrupt_CancelsTheCall_RemovesTheContainer_Exit130()
    {
        var stderr = new System.Text.StringBuilder();
        var task = Fnpipe.Command(["invoke", TestImages.TestFunction, .. TestRun.LabelArguments])
            .WithStandardInputPipe(CliWrap.PipeSource.FromString("!sleep 30000\n"))
            .WithStandardErrorPipe(CliWrap.PipeTarget.ToStringBuilder(stderr))
            .ExecuteAsync();
        await Eventually.HoldsAsync(async () => (await engine.RunContainersAsync()).Count > 0, TimeSpan.FromSeconds(30), () => $"the call's container exists; fnpipe said: {stderr}");

        await CliWrap.Cli.Wrap("kill").WithArguments(["-INT", task.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExecuteAsync();
        var result = await task.Task.WaitAsync(TimeSpan.FromSeconds(60));

        result.ExitCode.ShouldBe(130, stderr.ToString());
        stderr.ToString().ShouldStartWith("fnpipe: interrupted: cancelling the call and removing its container (again to quit at once)\n");
        stderr.ToString().ShouldContain("fnpipe: cancelled: 499 Cancelled: ");
        (await engine.RunContainersAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task HttpStream_HotEcho()
    {
        var result = await Fnpipe.InvokeAsync(TestImages.TestFunction, "hot hello", "--format", "http-stream");

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldBe("hot hello");
        result.StandardError.ShouldContain("function status 200");
    }
}
