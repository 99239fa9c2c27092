using FnPipeline.IntegrationTests.Infrastructure;
using static FnPipeline.IntegrationTests.Hot.HotExecutorKit;

namespace FnPipeline.IntegrationTests.Hot;

/// <summary>Hot scaling sized to the work, on the real engine: the containers a function gets follow its callers.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class HotScalingTests(EngineFixture engine)
{
    [Fact]
    public async Task FourCallersOnOneFunction_UseAtMostFourContainers()
    {
        // The old default cap (8) and as many launch slots: only the demand rule keeps the burst at the callers' count.
        await using var kit = await StartAsync(engine, o =>
        {
            o.Hot.MaxContainersPerFunction = 8;
            o.Hot.MaxConcurrentStarts = 8;
        });
        const int callers = 4;
        const int callsEach = 10;

        var perCaller = await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var seen = new List<(bool Ok, string Detail, string? Container)>();
            for (var i = 0; i < callsEach; i++)
            {
                using var result = await kit.InvokeAsync(Call(TestImages.TestFunction, $"!sleep 20\ncaller {caller} call {i}"));
                var ok = result.IsSuccess && result.OutputAsString() == $"caller {caller} call {i}";
                seen.Add((ok, result.ToString(), result.ContainerId));
            }

            return seen;
        }));
        var calls = perCaller.SelectMany(c => c).ToList();

        calls.Where(c => !c.Ok).Select(c => c.Detail).ShouldBeEmpty();

        // Counted on the engine by the executor's instance label: no container was removed (all calls succeeded and
        // the idle timeout is 30 s), so the ones listed now are every one the function used.
        var onEngine = await kit.ContainersAsync();
        onEngine.Count.ShouldBeInRange(1, callers, string.Join(", ", onEngine));
        calls.Select(c => c.Container!).Distinct().ShouldBeSubsetOf(onEngine);
    }
}
