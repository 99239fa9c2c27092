using System.Text.Json;
using FnPipeline.IntegrationTests.Infrastructure;
using FnPipeline.Protocol;
using static FnPipeline.IntegrationTests.Hot.HotExecutorKit;

namespace FnPipeline.IntegrationTests.Hot;

/// <summary>The hot pool against the real Node FDK (@fnproject/fdk in fnpipeline/node-fdk).</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class HotNodeFdkTests(EngineFixture engine)
{
    private static readonly string Image = TestImages.NodeFdk;

    [Fact]
    public async Task SequentialCalls_EchoAndReuseOneContainer()
    {
        await using var kit = await StartAsync(engine);

        var ids = new HashSet<string?>();
        for (var i = 0; i < 5; i++)
        {
            using var result = await kit.InvokeAsync(Call(Image, $"node {i}"));
            result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
            result.OutputAsString().ShouldBe($"node {i}", result.ToString());
            result.Headers.ShouldContain(h => h.Key == "Content-Type" && h.Value == "application/octet-stream");
            result.Headers.ShouldContain(h => h.Key == "Fn-Fdk-Version" && h.Value.StartsWith("fdk-node/", StringComparison.Ordinal));
            ids.Add(result.ContainerId);
        }

        ids.Count.ShouldBe(1);
        (await kit.ContainersAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Headers_CallIdAndDeadlineReachTheFdk()
    {
        await using var kit = await StartAsync(engine);
        var before = DateTimeOffset.UtcNow;

        using var result = await kit.InvokeAsync(
            Call(Image, "!headers") with { CallId = "node-call-1", Timeout = TimeSpan.FromSeconds(20), Headers = [new("X-Custom", "v1")] });

        result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
        using var seen = JsonDocument.Parse(result.OutputAsString());
        seen.RootElement.GetProperty("callId").GetString().ShouldBe("node-call-1");
        var deadline = DateTimeOffset.Parse(seen.RootElement.GetProperty("deadline").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        deadline.ShouldBeInRange(before.AddSeconds(19), DateTimeOffset.UtcNow.AddSeconds(21));
        var headers = seen.RootElement.GetProperty("headers");
        headers.GetProperty("X-Custom")[0].GetString().ShouldBe("v1");
        headers.GetProperty("Fn-Call-Id")[0].GetString().ShouldBe("node-call-1");
        result.Headers.ShouldContain(h => h.Key == "Content-Type" && h.Value == "application/json");
    }

    [Fact]
    public async Task GatewayCall_TheFdkSeesMethodUrlAndUnwrappedHeaders()
    {
        await using var kit = await StartAsync(engine);
        var wrapped = HttpGatewayMapping.WrapRequest("PATCH", "http://gw.example/t/app/node?q=2", [new("X-User", "u2")]);

        using var result = await kit.InvokeAsync(Call(Image, "!headers") with { Headers = wrapped });

        result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
        using var seen = JsonDocument.Parse(result.OutputAsString());
        var gateway = seen.RootElement.GetProperty("gateway");
        gateway.GetProperty("method").GetString().ShouldBe("PATCH");
        gateway.GetProperty("requestURL").GetString().ShouldBe("http://gw.example/t/app/node?q=2");
        gateway.GetProperty("headers").GetProperty("X-User")[0].GetString().ShouldBe("u2");
        HttpGatewayMapping.UnwrapResponse(result).StatusCode.ShouldBe(200);
    }

    [Fact]
    public async Task LargeBody_StreamsBothWays()
    {
        await using var kit = await StartAsync(engine);
        var input = new string('n', 3 * 1024 * 1024);

        using var result = await kit.InvokeAsync(Call(Image, input));

        result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
        result.Output.Length.ShouldBe(input.Length);
    }

    [Fact]
    public async Task ConcurrentCalls_ShareTheAllowedContainers()
    {
        await using var kit = await StartAsync(engine, o => o.Hot.MaxContainersPerFunction = 2);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => kit.InvokeAsync(Call(Image, $"c{i}"))));

        results.ShouldAllBe(r => r.Status == InvocationStatus.Success, string.Join("; ", results.Select(r => r.ToString())));
        results.Select(r => r.OutputAsString()).ShouldBe(Enumerable.Range(0, 6).Select(i => $"c{i}"), ignoreOrder: true);
        results.Select(r => r.ContainerId).Distinct().Count().ShouldBeLessThanOrEqualTo(2);
        foreach (var result in results)
        {
            result.Dispose();
        }
    }
}
