using System.Globalization;
using System.Net;
using System.Text.Json;
using Docker.DotNet.Models;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>
/// The engine socket cut under a gateway (through <see cref="EngineSocketProxy"/>) with cold calls in flight and hot
/// containers idle: every call gets a JSON error, and no container of the gateway is left once the engine answers again.
/// Each test labels its containers with a case id of its own and counts them through the real engine socket.
/// </summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed class GatewayEngineOutageTests(EngineFixture engine)
{
    private const string CaseLabelKey = "fnpipeline.test.case";

    /// <summary>Generous: removal retries back off to 5 s, and the CI machine is loaded.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly string _case = Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Outage_CallsAnswerJson_GaugeCountsTheLeftovers_AndTheyAreRemovedOnceTheEngineIsBack()
    {
        await using var proxy = new EngineSocketProxy(engine.Endpoint);
        var gateway = await StartAsync(proxy);
        try
        {
            var coldCalls = await StartOutageAsync(gateway, proxy, coldCalls: 3);

            // A hot call while the engine is away: its engine error is the documented JSON error, never an empty 500.
            using (var hot = await gateway.Client.PostAsync("/invoke/hot-echo", new StringContent("!exit 3")))
            {
                await ShouldBeEngineFailureAsync(hot);
            }

            foreach (var cold in coldCalls)
            {
                using var response = await cold;
                await ShouldBeEngineFailureAsync(response);
            }

            // What the engine still holds is exactly what the executor still tracks (the gauge once said 0 here).
            var left = await CaseContainersAsync();
            left.Count.ShouldBeGreaterThanOrEqualTo(4, "3 cold calls and at least 1 hot container were cut off");
            await EventuallyAsync(async () => await ContainersGaugeAsync(gateway) == left.Count, "the containers gauge equals the engine's count");

            proxy.Restore();

            await EventuallyAsync(async () => (await CaseContainersAsync()).Count == 0, "every container of the gateway removed");
            await EventuallyAsync(async () => await ContainersGaugeAsync(gateway) == 0, "the containers gauge back to 0");
            using var again = await gateway.Client.PostAsync("/invoke/hot-echo", new StringContent("back"));
            (await again.Content.ReadAsStringAsync()).ShouldBe("back");
        }
        finally
        {
            await gateway.DisposeAsync();
            await RemoveCaseContainersAsync();
        }

        gateway.ExitCode.ShouldBe(0, gateway.Stderr);
        gateway.Stderr.ShouldNotContain("exited with code -1");
        gateway.Stderr.ShouldContain("could not be read from the engine");
        (await CaseContainersAsync()).ShouldBeEmpty(gateway.Stderr);
    }

    [Fact]
    public async Task SigtermDuringOutage_ShutdownWaitsForTheEngine_AndRemovesWhatIsLeftOnceItAnswers()
    {
        await using var proxy = new EngineSocketProxy(engine.Endpoint);
        var gateway = await StartAsync(proxy, removalDrainTimeout: TimeSpan.FromSeconds(120));
        try
        {
            foreach (var cold in await StartOutageAsync(gateway, proxy, coldCalls: 2))
            {
                using var response = await cold;
                await ShouldBeEngineFailureAsync(response);
            }

            (await CaseContainersAsync()).Count.ShouldBeGreaterThanOrEqualTo(3);
            var stopping = gateway.StopAsync("TERM");
            await EventuallyAsync(() => Task.FromResult(gateway.Stderr.Contains("for the removal of", StringComparison.Ordinal)), "shutdown waits for removals");

            proxy.Restore();
            await stopping;
        }
        finally
        {
            await gateway.DisposeAsync();
            await RemoveCaseContainersAsync();
        }

        gateway.ExitCode.ShouldBe(0, gateway.Stderr);
        gateway.Stderr.ShouldNotContain("Could not remove container");
        (await CaseContainersAsync()).ShouldBeEmpty(gateway.Stderr);
    }

    [Fact]
    public async Task SigtermWhileTheEngineStaysAway_LogsEachContainerItCouldNotRemoveById()
    {
        await using var proxy = new EngineSocketProxy(engine.Endpoint);
        var gateway = await StartAsync(proxy, removalDrainTimeout: TimeSpan.FromSeconds(2));
        IReadOnlyList<string> left;
        try
        {
            foreach (var cold in await StartOutageAsync(gateway, proxy, coldCalls: 2))
            {
                using var response = await cold;
                await ShouldBeEngineFailureAsync(response);
            }

            left = await CaseContainersAsync();
            left.Count.ShouldBeGreaterThanOrEqualTo(3);
        }
        finally
        {
            await gateway.DisposeAsync();
            await RemoveCaseContainersAsync();
        }

        gateway.ExitCode.ShouldBe(0, gateway.Stderr);
        foreach (var id in left)
        {
            gateway.Stderr.ShouldContain($"Could not remove container {id}", customMessage: gateway.Stderr);
        }
    }

    private async Task<GatewayProcess> StartAsync(EngineSocketProxy proxy, TimeSpan? removalDrainTimeout = null)
    {
        var labels = $"{{ \"fnpipeline.test\": \"1\", \"{TestRun.RunLabelKey}\": \"{TestRun.Id}\", \"{CaseLabelKey}\": \"{_case}\" }}";
        var functions = $"""
            app: outage-tests
            functions:
              - name: echo
                image: {TestImages.TestFunction}
                timeout: 60s
                labels: {labels}
              - name: hot-echo
                image: {TestImages.TestFunction}
                format: http-stream
                labels: {labels}
            """;
        var environment = new Dictionary<string, string?> { ["FNPIPELINE_DOCKER_ENDPOINT"] = proxy.Endpoint };
        if (removalDrainTimeout is { } drain)
        {
            environment["FNPIPELINE_REMOVAL_DRAIN_TIMEOUT_MS"] = drain.TotalMilliseconds.ToString(CultureInfo.InvariantCulture);
        }

        return await GatewayProcess.StartAsync(functions, environment: environment);
    }

    /// <summary>An idle hot container, <paramref name="coldCalls"/> cold calls running on the engine, then the cut.</summary>
    private async Task<List<Task<HttpResponseMessage>>> StartOutageAsync(GatewayProcess gateway, EngineSocketProxy proxy, int coldCalls)
    {
        using (var warm = await gateway.Client.PostAsync("/invoke/hot-echo", new StringContent("warm")))
        {
            (await warm.Content.ReadAsStringAsync()).ShouldBe("warm");
        }

        var calls = Enumerable.Range(0, coldCalls)
            .Select(_ => gateway.Client.PostAsync("/invoke/echo", new StringContent("!sleep 3000\nslow")))
            .ToList();
        await EventuallyAsync(async () => (await CaseContainersAsync("running", "default")).Count == coldCalls, "the cold calls running");
        await proxy.CutAsync();
        return calls;
    }

    private static async Task ShouldBeEngineFailureAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json", body);
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("message").GetString()!.ShouldStartWith("Engine failure: ", customMessage: body);
    }

    /// <summary>The sum of <c>fnpipeline_containers</c> over its series on <c>/metrics</c>.</summary>
    private static async Task<long> ContainersGaugeAsync(GatewayProcess gateway)
    {
        var text = await gateway.Client.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(line => line.StartsWith("fnpipeline_containers{", StringComparison.Ordinal) || line.StartsWith("fnpipeline_containers ", StringComparison.Ordinal))
            .Sum(line => long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>This test's containers, through the real engine socket (optionally only those in a state, of a format).</summary>
    private async Task<IReadOnlyList<string>> CaseContainersAsync(string? status = null, string? format = null)
    {
        var labels = new Dictionary<string, bool> { [$"{CaseLabelKey}={_case}"] = true };
        if (format is not null)
        {
            labels[$"fnpipeline.format={format}"] = true;
        }

        var filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels };
        if (status is not null)
        {
            filters["status"] = new Dictionary<string, bool> { [status] = true };
        }

        var containers = await engine.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters });
        return [.. containers.Select(c => c.ID)];
    }

    /// <summary>Only this test's own containers, whatever the gateway left (so a failed test leaks nothing).</summary>
    private async Task RemoveCaseContainersAsync()
    {
        foreach (var id in await CaseContainersAsync())
        {
            try
            {
                await engine.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
            }
            catch (global::Docker.DotNet.DockerContainerNotFoundException)
            {
            }
        }
    }

    // The kit's poll (Eventually) with this test's deadline.
    private static Task EventuallyAsync(Func<Task<bool>> condition, string what) =>
        Eventually.HoldsAsync(condition, Deadline, what);
}
