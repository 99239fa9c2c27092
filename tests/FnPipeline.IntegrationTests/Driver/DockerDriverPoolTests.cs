using FnPipeline.Docker;
using FnPipeline.IntegrationTests.Infrastructure;
using static FnPipeline.IntegrationTests.Driver.DockerDriverTestKit;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>The pre-fork pool: placeholders whose network namespace function containers join.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class DockerDriverPoolTests(EngineFixture engine)
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Pool_StartsLabelledPlaceholders_AndDisposalRemovesThem()
    {
        IReadOnlyList<string> placeholders;
        await using (var driver = await StartDriverAsync(engine, o => { o.PreForkPool.Size = 2; o.PreForkPool.Networks.Add("none"); }))
        {
            placeholders = await PlaceholdersAsync(driver);

            placeholders.Count.ShouldBe(2);
            driver.Pool!.Usage.ShouldBe((2, 0));
            foreach (var id in placeholders)
            {
                var inspect = await InspectAsync(engine.Client, id);
                inspect.State!.Running.ShouldBeTrue();
                inspect.Config!.Labels![DockerLabels.Managed].ShouldBe("true");
                inspect.HostConfig!.LogConfig!.Type.ShouldBe("none");
            }
        }

        foreach (var id in placeholders)
        {
            (await ContainerExistsAsync(engine.Client, id)).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task FunctionContainers_JoinAPlaceholder_LastOfferedFirst_ThenFallBackToNone()
    {
        await using var driver = await StartDriverAsync(engine, o => { o.PreForkPool.Size = 2; o.PreForkPool.Networks.Add("none"); });
        var placeholders = await PlaceholdersAsync(driver);

        await using var first = (DockerContainerHandle)await driver.CreateContainerAsync(Spec(TestImages.Busybox, "cat") with { Hostname = "ignored" });
        await using var second = (DockerContainerHandle)await driver.CreateContainerAsync(Spec(TestImages.Busybox, "true"));
        await using var third = (DockerContainerHandle)await driver.CreateContainerAsync(Spec(TestImages.Busybox, "true"));

        first.NetworkMode.ShouldStartWith("container:");
        second.NetworkMode.ShouldStartWith("container:");
        new[] { first.NetworkMode[10..], second.NetworkMode[10..] }.ShouldBe(placeholders, ignoreOrder: true);
        third.NetworkMode.ShouldBe("none");
        driver.Pool!.Usage.ShouldBe((0, 2));
        var stdout = new CollectingSink();
        var running = await first.AttachAndStartAsync(Io("through the pool", stdout));
        (await running.WaitAsync(new CancellationTokenSource(RunTimeout).Token)).ExitCode.ShouldBe(0);
        stdout.Text.ShouldBe("through the pool");
    }

    [Fact]
    public async Task FreedPlaceholder_IsReused()
    {
        await using var driver = await StartDriverAsync(engine, o => { o.PreForkPool.Size = 1; o.PreForkPool.Networks.Add("none"); });
        var placeholder = (await PlaceholdersAsync(driver)).Single();

        var (_, _) = await RunAsync(driver, Spec(TestImages.Busybox, "true"), Io(null));
        await using var next = (DockerContainerHandle)await driver.CreateContainerAsync(Spec(TestImages.Busybox, "true"));

        next.NetworkMode.ShouldBe($"container:{placeholder}");
    }

    [Fact]
    public async Task UseOnce_ReplacesThePlaceholderAfterEachUse()
    {
        await using var driver = await StartDriverAsync(engine, o =>
        {
            o.PreForkPool.Size = 1;
            o.PreForkPool.UseOnce = true;
            o.PreForkPool.Networks.Add("none");
        });
        var placeholder = (await PlaceholdersAsync(driver)).Single();

        await RunAsync(driver, Spec(TestImages.Busybox, "true"), Io(null));

        var replacement = await EventuallyAsync(async () =>
        {
            var now = await PlaceholdersAsync(driver);
            return now.Count == 1 && now[0] != placeholder && driver.Pool!.Usage == (1, 0) ? now[0] : null;
        });
        (await ContainerExistsAsync(engine.Client, placeholder)).ShouldBeFalse();
        (await InspectAsync(engine.Client, replacement)).State!.Running.ShouldBeTrue();
    }

    [Fact]
    public async Task PlaceholderThatDies_IsRecreated()
    {
        await using var driver = await StartDriverAsync(engine, o => { o.PreForkPool.Size = 1; o.PreForkPool.Networks.Add("none"); });
        var placeholder = (await PlaceholdersAsync(driver)).Single();

        await engine.Client.Containers.KillContainerAsync(placeholder, new global::Docker.DotNet.Models.ContainerKillParameters { Signal = "KILL" });

        await EventuallyAsync(async () =>
        {
            var now = await PlaceholdersAsync(driver);
            return now.Count == 1 && now[0] != placeholder && driver.Pool!.Usage == (1, 0) ? now[0] : null;
        });
    }

    [Fact]
    public async Task PlaceholderDeadAtStart_IsRetryableTooBusy()
    {
        await using var driver = await StartDriverAsync(engine, o => { o.PreForkPool.Size = 1; o.PreForkPool.Networks.Add("none"); });
        await using var handle = (DockerContainerHandle)await driver.CreateContainerAsync(Spec(TestImages.Busybox, "true"));
        await engine.Client.Containers.KillContainerAsync(handle.NetworkMode[10..], new global::Docker.DotNet.Models.ContainerKillParameters { Signal = "KILL" });

        var error = await Should.ThrowAsync<FnCallException>(() => handle.AttachAndStartAsync(Io(null)));

        (error.Error.Kind, error.Error.StatusCode).ShouldBe((FnErrorKind.TooBusy, 503));
    }

    [Fact]
    public async Task PlaceholderOnTheDefaultBridge_GivesTheFunctionItsNetwork()
    {
        await using var driver = await StartDriverAsync(engine, o => o.PreForkPool.Size = 1);
        var stdout = new CollectingSink();

        var (exit, _) = await RunAsync(driver, Spec(TestImages.Busybox, "sh", "-c", "ip -o link | grep -c eth0"), Io(null, stdout));

        exit.ExitCode.ShouldBe(0);
        stdout.Text.Trim().ShouldBe("1");
    }

    [Fact]
    public async Task PoolImageMissingFromTheEngine_IsPulledFirst()
    {
        var registry = new RegistryImageFixture();
        await registry.InitializeAsync();
        try
        {
            var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{RegistryImageFixture.User}:{RegistryImageFixture.Password}"));
            await using var driver = await StartDriverAsync(engine, o =>
            {
                o.PreForkPool.Size = 1;
                o.PreForkPool.Image = registry.Image;
                o.PreForkPool.Networks.Add("none");
                o.DockerAuthJson = "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + auth + "\"}}}";
            });

            driver.PullTransfersStarted.ShouldBe(1);
            (await PlaceholdersAsync(driver)).Count.ShouldBe(1);
        }
        finally
        {
            await registry.DisposeAsync();
        }
    }

    private async Task<IReadOnlyList<string>> PlaceholdersAsync(DockerContainerDriver driver)
    {
        var ids = await Containers.ListByLabelAsync(engine.Client, $"{DockerLabels.Instance}={driver.InstanceId}");
        var result = new List<string>();
        foreach (var id in ids)
        {
            global::Docker.DotNet.Models.ContainerInspectResponse inspect;
            try
            {
                inspect = await InspectAsync(engine.Client, id);
            }
            catch (global::Docker.DotNet.DockerContainerNotFoundException)
            {
                // Removed between the list and the inspect (the pool replacing a dead placeholder): not running.
                continue;
            }

            if (inspect.Config!.Labels!.TryGetValue(DockerLabels.Role, out var role) && role == DockerLabels.PreForkRole && inspect.State!.Running)
            {
                result.Add(id);
            }
        }

        return result;
    }

    private static Task<string> EventuallyAsync(Func<Task<string?>> probe) =>
        Eventually.FoundAsync(probe, SettleTimeout, () => "the pool settled");
}
