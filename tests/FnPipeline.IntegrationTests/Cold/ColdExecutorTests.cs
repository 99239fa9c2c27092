using System.Collections.Concurrent;
using System.Text;
using FnPipeline.IntegrationTests.Infrastructure;
using static FnPipeline.IntegrationTests.Cold.ExecutorTestKit;

namespace FnPipeline.IntegrationTests.Cold;

/// <summary>Default-format calls through the executor's five stages on the real engine.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class ColdExecutorTests(EngineFixture engine) : IAsyncLifetime
{
    private FnExecutor _executor = null!;

    public async Task InitializeAsync()
    {
        _executor = Create(engine);
        await _executor.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _executor.DisposeAsync();
        await AssertNoContainersLeftAsync(engine, _executor);
    }

    [Fact]
    public async Task Echo_SmallInput_ComesBackWithTimingsAndExitZero()
    {
        using var result = await _executor.InvokeAsync(Call(TestImages.TestFunction, "hello engine"));

        result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
        result.OutputAsString().ShouldBe("hello engine");
        result.ExitCode.ShouldBe(0);
        result.ContainerId.ShouldNotBeNullOrEmpty();
        result.Timings.Create.ShouldBeGreaterThan(TimeSpan.Zero);
        result.Timings.AttachStart.ShouldBeGreaterThan(TimeSpan.Zero);
        result.Timings.Run.ShouldBeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public async Task ParallelBurst_EverySuccessfulResultHasItsRunTime_AndItsFiguresAreFinalWhenDelivered()
    {
        // Read at once, as a caller would: the figures must already be there, and never change afterwards (only
        // cleanup's own time is set later).
        var calls = Enumerable.Range(0, 16).Select(async i =>
        {
            var result = await _executor.InvokeAsync(Call(TestImages.TestFunction, $"burst {i}"));
            var t = result.Timings;
            return (Result: result, AtDelivery: (t.Queue, t.Image, t.Create, t.AttachStart, t.Run));
        }).ToList();
        var results = await Task.WhenAll(calls);
        try
        {
            foreach (var (result, atDelivery) in results)
            {
                result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
                atDelivery.Run.ShouldBeGreaterThan(TimeSpan.Zero, result.ToString());
                atDelivery.AttachStart.ShouldBeGreaterThan(TimeSpan.Zero, result.ToString());
            }

            // Once every container is removed, cleanup has set its time: nothing else moved.
            await AssertNoContainersLeftAsync(engine, _executor);
            foreach (var (result, atDelivery) in results)
            {
                var t = result.Timings;
                (t.Queue, t.Image, t.Create, t.AttachStart, t.Run).ShouldBe(atDelivery, result.ToString());
            }
        }
        finally
        {
            foreach (var (result, _) in results)
            {
                result.Dispose();
            }
        }
    }

    [Fact]
    public async Task Echo_TenMegabytes_EveryByteComesBack()
    {
        var input = new byte[10 * 1024 * 1024];
        new Random(42).NextBytes(input);
        var call = Call(TestImages.Busybox, null, "cat") with { Input = CallInput.FromStream(new MemoryStream(input)) };

        using var result = await _executor.InvokeAsync(call);

        result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
        result.Output.Length.ShouldBe(input.Length);
        result.Output.Span.SequenceEqual(input).ShouldBeTrue();
    }

    [Fact]
    public async Task EnvironmentAndCommand_ReachTheContainer()
    {
        var call = Call(TestImages.Busybox, null, "sh", "-c", "echo \"$GREETING from $FN_MEMORY MB\"") with
        {
            Environment = new Dictionary<string, string> { ["GREETING"] = "hi there" },
            MemoryMB = 64,
        };

        using var result = await _executor.InvokeAsync(call);

        result.OutputAsString().ShouldBe("hi there from 64 MB\n");
    }

    [Fact]
    public async Task MemoryHog_IsKilledWithOomAndTheLimitNamed()
    {
        var call = Call(TestImages.TestFunction, "!alloc 64") with { MemoryMB = 8 };

        using var result = await _executor.InvokeAsync(call);

        result.Status.ShouldBe(InvocationStatus.Killed, result.ToString());
        result.Error!.Kind.ShouldBe(FnErrorKind.OutOfMemory);
        result.Error.StatusCode.ShouldBe(502);
        result.Error.Message.ShouldContain("limit 8 MB");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(42)]
    public async Task NonZeroExit_IsErrorNamingTheCode(int code)
    {
        using var result = await _executor.InvokeAsync(Call(TestImages.TestFunction, $"!exit {code}\npartial"));

        result.Status.ShouldBe(InvocationStatus.Error);
        result.ExitCode.ShouldBe(code);
        result.Error.ShouldBe(new FnError(FnErrorKind.ContainerExit, 502, $"container exit code {code}"));
        result.OutputAsString().ShouldBe("partial");
    }

    [Fact]
    public async Task Timeout_KillsTheContainerAndReports504()
    {
        var call = Call(TestImages.TestFunction, "!sleep 60000") with { Timeout = TimeSpan.FromSeconds(1) };

        using var result = await _executor.InvokeAsync(call);

        result.Status.ShouldBe(InvocationStatus.Timeout);
        result.Error!.StatusCode.ShouldBe(504);
        result.Timings.Run.ShouldBeLessThan(TimeSpan.FromSeconds(20));
        await AssertNoContainersLeftAsync(engine, _executor);
    }

    [Fact]
    public async Task CallerCancellation_KillsTheContainer()
    {
        using var cts = new CancellationTokenSource();
        var call = _executor.InvokeAsync(Call(TestImages.TestFunction, "!sleep 60000"), cts.Token);
        await WaitForRunningContainerAsync();

        await cts.CancelAsync();
        using var result = await call;

        result.Status.ShouldBe(InvocationStatus.Cancelled);
        await AssertNoContainersLeftAsync(engine, _executor);
    }

    [Fact]
    public async Task OutputPastCap_Is502AndTheContainerIsKilled()
    {
        var call = Call(TestImages.TestFunction, "!bytes 1000000") with { MaxOutputBytes = 1000 };

        using var result = await _executor.InvokeAsync(call);

        result.Status.ShouldBe(InvocationStatus.Error);
        result.Error.ShouldBe(new FnError(FnErrorKind.OutputTooLarge, 502, "function output exceeded the maximum output size of 1000 bytes"));
        result.Output.Length.ShouldBe(1000);
    }

    [Fact]
    public async Task StderrPastCap_IsTruncatedWithMarker()
    {
        await using var executor = Create(engine, o => o.MaxStderrBytes = 100);

        using var result = await executor.InvokeAsync(Call(TestImages.TestFunction, "!stderr 1000\nok"));

        result.Status.ShouldBe(InvocationStatus.Success);
        result.Stderr.ShouldEndWith("\n-----max log size 100 bytes exceeded, truncating log-----\n");
        result.Stderr.Length.ShouldBeLessThan(200);
    }

    [Fact]
    public async Task MissingTagInTheLocalRegistry_Is404NamingTheImage()
    {
        const string image = "127.0.0.1:5000/fnpipeline/busybox:does-not-exist";
        var call = Call(image) with { RegistryCredentials = new RegistryCredentials("fnuser", "fnpass", "127.0.0.1:5000") };

        using var result = await _executor.InvokeAsync(call);

        result.Status.ShouldBe(InvocationStatus.Error);
        result.Error!.Kind.ShouldBe(FnErrorKind.ImageNotFound, result.Error.ToString());
        result.Error.StatusCode.ShouldBe(404);
        result.Error.Message.ShouldStartWith($"Failed to pull image '{image}'");
    }

    [Fact]
    public async Task PrivateImageWithoutCredentials_Is401()
    {
        await Images.RemoveIfPresentAsync(engine.Client, TestImages.RegistryBusybox);

        using var result = await _executor.InvokeAsync(Call(TestImages.RegistryBusybox, "x", "cat"));

        result.Error!.Kind.ShouldBe(FnErrorKind.ImageUnauthorized, result.Error.ToString());
        result.Error.StatusCode.ShouldBe(401);
    }

    [Fact]
    public async Task UnreachableRegistry_Is502NamingTheImage()
    {
        // No network here: the public registry cannot be reached, which is a pull failure, not a missing image.
        using var result = await _executor.InvokeAsync(Call("fnpipeline/does-not-exist:never"));

        result.Status.ShouldBe(InvocationStatus.Error);
        result.Error!.StatusCode.ShouldBe(502, result.Error.ToString());
        result.Error.Message.ShouldStartWith("Failed to pull image 'fnpipeline/does-not-exist:never': ");
    }

    [Fact]
    public async Task InvalidCall_AllProblemsListed_NoContainerCreated()
    {
        var call = Call("Bad Image") with { MemoryMB = -5, Volumes = [new VolumeMount("/host", "relative")] };

        var ex = await Should.ThrowAsync<InvalidFunctionCallException>(() => _executor.InvokeAsync(call));

        ex.Problems.ShouldBe(
        [
            "Image 'Bad Image' is not a valid image reference ([registry[:port]/]path[:tag][@digest], the path in lower case)",
            "MemoryMB must not be negative, got -5",
            "Volume container path 'relative' must be an absolute path without ':'",
        ]);
        (await ContainersOf(engine, _executor)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadOnlyRootFs_RootIsReadOnlyAndTmpIsWritable()
    {
        var call = Call(TestImages.Busybox, null, "sh", "-c", "touch /x 2>/dev/null && echo root-writable; touch /tmp/y && echo tmp-ok");

        using var result = await _executor.InvokeAsync(call);

        result.OutputAsString().ShouldBe("tmp-ok\n");
    }

    [Fact]
    public async Task FsSize_OnThisStorageDriver_IsAClearUnsupportedOptionError()
    {
        using var result = await _executor.InvokeAsync(Call(TestImages.Busybox, null, "true") with { FsSizeMB = 100 });

        result.Status.ShouldBe(InvocationStatus.Error);
        result.Error!.Kind.ShouldBe(FnErrorKind.UnsupportedOption);
        result.Error.StatusCode.ShouldBe(400);
        result.Error.Message.ShouldContain("FsSizeMB");
    }

    [Fact]
    public async Task Stats_AreCollectedWhileTheContainerRuns()
    {
        using var result = await _executor.InvokeAsync(Call(TestImages.TestFunction, "!sleep 3000\ndone"));

        result.Status.ShouldBe(InvocationStatus.Success);
        result.Stats.ShouldNotBeEmpty();
        result.Stats.ShouldAllBe(s => s.MemoryLimitBytes == 128UL * 1024 * 1024);
    }

    [Fact]
    public async Task BurstOf50_WithFourContainers_NeverHasMoreThanFourOnTheEngine()
    {
        await using var executor = Create(engine, o =>
        {
            o.MaxContainers = 4;
            o.Stages.CreateParallelism = 4;
            o.Stages.StartParallelism = 4;
            o.Stages.RunParallelism = 4;
        });
        await executor.StartAsync();
        var observed = new ConcurrentBag<int>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                observed.Add((await ContainersOf(engine, executor)).Count);
                // The sampling period of a watcher that runs until the burst ends (it waits for nothing).
                await Task.Delay(25);
            }
        });

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => executor.InvokeAsync(Call(TestImages.Busybox, $"call {i}", "cat"))));
        await stop.CancelAsync();
        await watcher;

        results.ShouldAllBe(r => r.Status == InvocationStatus.Success);
        results.Select(r => r.OutputAsString()).ShouldBe(Enumerable.Range(0, 50).Select(i => $"call {i}"), ignoreOrder: true);
        observed.Max().ShouldBeLessThanOrEqualTo(4);
        observed.Max().ShouldBeGreaterThan(0);
        foreach (var r in results)
        {
            r.Dispose();
        }

        await executor.DisposeAsync();
        await AssertNoContainersLeftAsync(engine, executor);
    }

    /// <summary>Waits until the engine reports the call's container running: the cancel then meets a running function.</summary>
    private Task WaitForRunningContainerAsync() => Eventually.HoldsAsync(
        async () => (await Containers.ListRunningByLabelAsync(engine.Client, $"fnpipeline.instance={_executor.InstanceId}")).Count > 0,
        TimeSpan.FromSeconds(30),
        () => "the call's container runs");
}
