using System.Net;
using System.Text.Json;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>Gateways of their own: a saturated one (503), start-up refusals, and a clean stop on SIGINT.</summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed class GatewayLifecycleTests(EngineFixture engine)
{
    [Fact]
    public async Task Saturated_Is503WithRetryAfter_ThenStopsCleanlyOnSigint()
    {
        var environment = new Dictionary<string, string?> { ["FNPIPELINE_MAX_CONTAINERS"] = "1", ["FNPIPELINE_MAX_QUEUED_CALLS"] = "1" };
        var gateway = await GatewayProcess.StartAsync(GatewayFixture.FunctionsYaml, ["--retry-after", "7"], environment);
        try
        {
            // One call holds the only container, one waits in the queue: the others are refused at once.
            var calls = Enumerable.Range(0, 4)
                .Select(_ => gateway.Client.PostAsync("/invoke/echo", new StringContent("!sleep 1500\nslow")))
                .ToList();
            var responses = await Task.WhenAll(calls);
            var seen = string.Join("\n", await Task.WhenAll(responses.Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}")));

            var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
            refused.ShouldNotBeEmpty(seen);
            responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBeGreaterThanOrEqualTo(1, seen);
            responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.ServiceUnavailable, seen);
            foreach (var response in refused)
            {
                response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(7));
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
                json.RootElement.GetProperty("message").GetString().ShouldStartWith(
                    $"Timed out - server too busy: no place in the queue for a call of function 'echo' (image '{TestImages.TestFunction}'): ");
            }

            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        gateway.ExitCode.ShouldBe(0, gateway.Stderr);
        gateway.Stderr.ShouldContain("Gateway stopping: draining in-flight calls and removing containers");
        (await engine.RunContainersAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Sigterm_DrainTimeoutBoundsTheShutdown_CutCallsAreAnswered503_NoContainerLeft()
    {
        const int callMs = 20_000;
        var functions = $"""
            app: cli-tests
            functions:
              - name: cold-sleep
                image: {TestImages.TestFunction}
                timeout: 60s
                labels: {TestRun.YamlLabels}
              - name: hot-sleep
                image: {TestImages.TestFunction}
                format: http-stream
                timeout: 60s
                labels: {TestRun.YamlLabels}
            """;
        var environment = new Dictionary<string, string?> { ["FNPIPELINE_DRAIN_TIMEOUT_MS"] = "1000" };
        var gateway = await GatewayProcess.StartAsync(functions, environment: environment);
        TimeSpan stopping;
        HttpResponseMessage[] responses;
        try
        {
            var calls = new[] { "cold-sleep", "cold-sleep", "hot-sleep", "hot-sleep" }
                .Select(name => gateway.Client.PostAsync($"/invoke/{name}", new StringContent($"!sleep {callMs}\nslept")))
                .ToList();
            await EventuallyRunningAsync(4);

            stopping = await gateway.StopAsync("TERM");
            responses = await Task.WhenAll(calls);
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        var seen = string.Join("\n", await Task.WhenAll(responses.Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}")));
        gateway.ExitCode.ShouldBe(0, gateway.Stderr);
        // The calls had 20 s to go; the 1 s drain, the kills, the answers and the removals take a few (loose: loaded CI).
        stopping.ShouldBeLessThan(TimeSpan.FromSeconds(12), gateway.Stderr);
        foreach (var response in responses)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, seen);
            response.Headers.RetryAfter.ShouldNotBeNull(seen);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            json.RootElement.GetProperty("message").GetString().ShouldBe("The executor is shutting down", seen);
            response.Dispose();
        }

        (await engine.RunContainersAsync()).ShouldBeEmpty("the gateway removes every container before it exits");
    }

    [Fact]
    public async Task MalformedFunctionsFile_RefusesToStart_NamingTheLineAndField()
    {
        var directory = Directory.CreateTempSubdirectory("fnpipe-bad-").FullName;
        try
        {
            var file = Path.Combine(directory, "functions.yaml");
            await File.WriteAllTextAsync(file, "functions:\n  - name: echo\n    image: fnpipeline/testfn:latest\n    memory: lots\n");

            var result = await Fnpipe.RunAsync(["serve", "--functions", file, "--urls", "http://127.0.0.1:0"]);

            result.ExitCode.ShouldBe(2);
            result.StandardOutput.ShouldBeEmpty();
            result.StandardError.ShouldBe(
                $"fnpipe: Functions file '{file}' is invalid: functions.yaml:4:13: functions[0].memory: expected a whole number of MB (0 or more), got the string 'lots'\n");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("DOCKER_HOST", "ssh://user@engine.example", "cannot find the Docker engine: DOCKER_HOST: 'ssh://user@engine.example': ssh:// engine addresses are not supported.")]
    [InlineData("DOCKER_CONTEXT", "no-such-context", "cannot find the Docker engine: docker context 'no-such-context' (DOCKER_CONTEXT) does not exist: ")]
    [InlineData("FNPIPELINE_MAX_CONTAINERS", "-3", "invalid executor settings: The field MaxContainers must be between 1 and 10000.")]
    public async Task WrongEngineOrExecutorSetting_RefusesToStart_InOneLineWithExit2(string variable, string value, string expected)
    {
        var directory = Directory.CreateTempSubdirectory("fnpipe-badengine-").FullName;
        try
        {
            var file = Path.Combine(directory, "functions.yaml");
            await File.WriteAllTextAsync(file, GatewayFixture.FunctionsYaml);

            var result = await Fnpipe.RunAsync(
                ["serve", "--functions", file, "--urls", "http://127.0.0.1:0"],
                environment: new Dictionary<string, string?>
                {
                    ["FNPIPELINE_DOCKER_ENDPOINT"] = null, ["DOCKER_HOST"] = null, ["DOCKER_CONFIG"] = directory, [variable] = value,
                });

            result.ExitCode.ShouldBe(2, result.StandardError);
            result.StandardOutput.ShouldNotContain("listening");
            result.StandardError.ShouldStartWith($"fnpipe: {expected}");
            result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task UnreachableEngine_RefusesToStart()
    {
        var directory = Directory.CreateTempSubdirectory("fnpipe-noengine-").FullName;
        try
        {
            var file = Path.Combine(directory, "functions.yaml");
            await File.WriteAllTextAsync(file, GatewayFixture.FunctionsYaml);

            var result = await Fnpipe.RunAsync(
                ["serve", "--functions", file, "--urls", "http://127.0.0.1:0"],
                environment: new Dictionary<string, string?> { ["FNPIPELINE_DOCKER_ENDPOINT"] = "unix:///nonexistent/docker.sock" });

            result.ExitCode.ShouldBe(6);
            result.StandardOutput.ShouldNotContain("listening");
            result.StandardError.ShouldContain("fnpipe: cannot use the Docker engine at unix:///nonexistent/docker.sock: ");
            result.StandardError.ShouldContain("Run 'fnpipe doctor' for what to do.");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task EngineGoneAway_HealthIs503_CallsAre500Json_AndBothRecoverWithIt()
    {
        await using var proxy = new EngineSocketProxy(engine.Endpoint);
        var environment = new Dictionary<string, string?> { ["FNPIPELINE_DOCKER_ENDPOINT"] = proxy.Endpoint };
        var gateway = await GatewayProcess.StartAsync(GatewayFixture.FunctionsYaml, environment: environment);
        try
        {
            using (var healthy = await gateway.Client.GetAsync("/health"))
            {
                healthy.StatusCode.ShouldBe(HttpStatusCode.OK, await healthy.Content.ReadAsStringAsync());
            }

            await proxy.CutAsync();
            using (var health = await gateway.Client.GetAsync("/health"))
            {
                var body = await health.Content.ReadAsStringAsync();
                health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
                using var json = JsonDocument.Parse(body);
                json.RootElement.GetProperty("status").GetString().ShouldBe("unhealthy");
                json.RootElement.GetProperty("engine").GetString().ShouldBe("unreachable");
                json.RootElement.GetProperty("message").GetString()!.ShouldStartWith($"the engine at {proxy.Endpoint}");
            }

            using (var call = await gateway.Client.PostAsync("/invoke/echo", new StringContent("nobody home")))
            {
                var body = await call.Content.ReadAsStringAsync();
                call.StatusCode.ShouldBe(HttpStatusCode.InternalServerError, body);
                call.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
                using var json = JsonDocument.Parse(body);
                json.RootElement.GetProperty("message").GetString()!.ShouldStartWith("Engine failure: ");
            }

            proxy.Restore();
            using (var health = await gateway.Client.GetAsync("/health"))
            {
                health.StatusCode.ShouldBe(HttpStatusCode.OK, await health.Content.ReadAsStringAsync());
            }

            using var again = await gateway.Client.PostAsync("/invoke/echo", new StringContent("back"));
            again.StatusCode.ShouldBe(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
            (await again.Content.ReadAsStringAsync()).ShouldBe("back");
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        gateway.ExitCode.ShouldBe(0, gateway.Stderr);
        (await engine.RunContainersAsync()).ShouldBeEmpty();
    }

    /// <summary>Waits (generously) until this run has <paramref name="count"/> running containers: the calls are in flight.</summary>
    private async Task EventuallyRunningAsync(int count)
    {
        var parameters = new global::Docker.DotNet.Models.ContainersListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [TestRun.RunLabel] = true },
                ["status"] = new Dictionary<string, bool> { ["running"] = true },
            },
        };
        var running = 0;
        await Eventually.HoldsAsync(
            async () => (running = (await engine.Client.Containers.ListContainersAsync(parameters)).Count) >= count,
            TimeSpan.FromSeconds(60),
            () => $"{count} containers run ({running} did)");
    }
}
