using System.Text;
using FnPipeline.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace FnPipeline.Tests.Pipeline;

public sealed class ColdPipelineTests
{
    private static FunctionCall Echo(string input = "hello", TimeSpan? timeout = null) => new()
    {
        Image = "fnpipeline/testfn:latest",
        Input = CallInput.FromString(input),
        Timeout = timeout,
    };

    private static FnExecutor CreateSut(FakeContainerDriver driver, Action<FnPipelineOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new FnPipelineOptions { InstanceId = "unit" };
        configure?.Invoke(options);
        return new FnExecutor(options, driver, hotFactory: null, loggerFactory: null, time);
    }

    [Fact]
    public async Task InvokeAsync_Echo_ReturnsInputAsOutputAndRemovesContainer()
    {
        var driver = new FakeContainerDriver();
        await using var executor = CreateSut(driver);

        using var result = await executor.InvokeAsync(Echo("ping"));

        result.Status.ShouldBe(InvocationStatus.Success);
        result.Error.ShouldBeNull();
        result.ExitCode.ShouldBe(0);
        result.OutputAsString().ShouldBe("ping");
        await Eventually.HoldsAsync(() => driver.Removed == 1);
        driver.Events.ShouldBe(["image fnpipeline/testfn:latest", $"create fnpipeline-unit-{result.CallId}", $"start fnpipeline-unit-{result.CallId}", $"remove fnpipeline-unit-{result.CallId}"]);
    }

    [Fact]
    public async Task InvokeAsync_ContainerSpec_CarriesContractEnvironmentAndExecutorLabels()
    {
        var driver = new FakeContainerDriver();
        Driver.ContainerSpec? seen = null;
        driver.Behavior = spec => { seen = spec; return new FakeBehavior(); };
        await using var executor = CreateSut(driver);

        using var result = await executor.InvokeAsync(Echo());

        seen.ShouldNotBeNull();
        seen.Labels["fnpipeline.managed"].ShouldBe("true");
        seen.Labels["fnpipeline.instance"].ShouldBe("unit");
        seen.Labels["fnpipeline.call-id"].ShouldBe(result.CallId);
        seen.Environment.ShouldContain(new KeyValuePair<string, string>("FN_MEMORY", "128"));
        seen.Resources.MemoryBytes.ShouldBe(128L * 1024 * 1024);
        seen.ReadOnlyRootFs.ShouldBeTrue();
        seen.Init.ShouldBeTrue();
    }

    [Fact]
    public async Task InvokeAsync_InvalidCall_ListsEveryProblemBeforeAnyEngineWork()
    {
        var driver = new FakeContainerDriver();
        await using var executor = CreateSut(driver);
        var call = new FunctionCall
        {
            Image = "Not A/Valid:Image!",
            MemoryMB = -1,
            TmpFsMB = -2,
            Environment = new Dictionary<string, string> { ["FN_FORMAT"] = "x" },
            Volumes = [new VolumeMount("relative/host", "/data")],
            WorkingDirectory = "work",
        };

        var ex = await Should.ThrowAsync<InvalidFunctionCallException>(() => executor.InvokeAsync(call));

        ex.Message.ShouldBe(
            "Invalid function call for image 'Not A/Valid:Image!': Image 'Not A/Valid:Image!' is not a valid image reference ([registry[:port]/]path[:tag][@digest], the path in lower case); " +
            "MemoryMB must not be negative, got -1; TmpFsMB must not be negative, got -2; " +
            "Environment name 'FN_FORMAT' is reserved by the container contract; " +
            "WorkingDirectory 'work' must be an absolute path; " +
            "Volume host path 'relative/host' must be an absolute path without ':'");
        ex.Problems.Count.ShouldBe(6);
        driver.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task InvokeAsync_BurstOf50WithFourContainers_NeverExceedsFourAndAllSucceed()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { RunTime = TimeSpan.FromMilliseconds(20) } };
        await using var executor = CreateSut(driver, o =>
        {
            o.MaxContainers = 4;
            o.MaxQueuedCalls = 100;
            o.Stages.CreateParallelism = 4;
            o.Stages.RunParallelism = 4;
        });

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => executor.InvokeAsync(Echo($"call {i}"))));

        results.ShouldAllBe(r => r.Status == InvocationStatus.Success);
        results.Select(r => r.OutputAsString()).ShouldBe(Enumerable.Range(0, 50).Select(i => $"call {i}"), ignoreOrder: true);
        driver.MaxAlive.ShouldBeLessThanOrEqualTo(4);
        driver.Created.ShouldBe(50);
        await Eventually.HoldsAsync(() => driver.Removed == 50);
        foreach (var r in results)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task InvokeAsync_PastQueueLimit_RefusedAtOnceWithTooBusy()
    {
        var driver = new FakeContainerDriver { RunGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var executor = CreateSut(driver, o =>
        {
            o.MaxContainers = 1;
            o.MaxQueuedCalls = 2;
        });

        var running = executor.InvokeAsync(Echo("first"));

        // Start comes after the first call has left the queue (create counts it a moment before).
        await Eventually.HoldsAsync(() => driver.Events.Any(e => e.StartsWith("start ", StringComparison.Ordinal)));
        var queued = new[] { executor.InvokeAsync(Echo("second")), executor.InvokeAsync(Echo("third")) };

        using var refused = await executor.InvokeAsync(Echo("fourth") with { FunctionName = "echo" });

        refused.Status.ShouldBe(InvocationStatus.Error);
        refused.Error!.Kind.ShouldBe(FnErrorKind.TooBusy);
        refused.Error.StatusCode.ShouldBe(503);
        refused.Error.IsRetryable.ShouldBeTrue();
        refused.Error.Message.ShouldBe(
            "Timed out - server too busy: no place in the queue for a call of function 'echo' (image 'fnpipeline/testfn:latest'): " +
            "2 calls already wait for a container (MaxQueuedCalls)");
        queued.ShouldAllBe(t => !t.IsCompleted);
        driver.RunGate.SetResult();
        (await running).Status.ShouldBe(InvocationStatus.Success);
        (await Task.WhenAll(queued)).ShouldAllBe(r => r.Status == InvocationStatus.Success);
    }

    [Fact]
    public async Task InvokeAsync_NonZeroExit_IsErrorWithExitCodeAnd502()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { ExitCode = 3, Stderr = "boom" } };
        await using var executor = CreateSut(driver);

        using var result = await executor.InvokeAsync(Echo());

        result.Status.ShouldBe(InvocationStatus.Error);
        result.ExitCode.ShouldBe(3);
        result.Error.ShouldBe(new FnError(FnErrorKind.ContainerExit, 502, "container exit code 3"));
        result.Stderr.ShouldBe("boom");
        await Eventually.HoldsAsync(() => driver.Removed == 1);
    }

    [Fact]
    public async Task InvokeAsync_OomKilled_IsKilledAndNamesTheMemoryLimit()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { ExitCode = 137, OomKilled = true } };
        await using var executor = CreateSut(driver);

        using var result = await executor.InvokeAsync(Echo() with { MemoryMB = 64 });

        result.Status.ShouldBe(InvocationStatus.Killed);
        result.Error!.Kind.ShouldBe(FnErrorKind.OutOfMemory);
        result.Error.Message.ShouldContain("limit 64 MB");
    }

    [Fact]
    public async Task InvokeAsync_Exit137WithoutOom_IsPlainExitError()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { ExitCode = 137 } };
        await using var executor = CreateSut(driver);

        using var result = await executor.InvokeAsync(Echo());

        result.Status.ShouldBe(InvocationStatus.Error);
        result.Error!.Message.ShouldBe("container exit code 137");
    }

    [Fact]
    public async Task InvokeAsync_OutputPastCap_IsOutputTooLarge()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { Output = new byte[100] } };
        await using var executor = CreateSut(driver);

        using var result = await executor.InvokeAsync(Echo() with { MaxOutputBytes = 10 });

        result.Status.ShouldBe(InvocationStatus.Error);
        result.Error.ShouldBe(new FnError(FnErrorKind.OutputTooLarge, 502, "function output exceeded the maximum output size of 10 bytes"));
        result.Output.Length.ShouldBe(10);
    }

    [Fact]
    public async Task InvokeAsync_StderrPastCap_IsTruncatedWithMarker()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { Stderr = new string('e', 50) } };
        await using var executor = CreateSut(driver, o => o.MaxStderrBytes = 8);

        using var result = await executor.InvokeAsync(Echo());

        result.Stderr.ShouldBe("eeeeeeee\n-----max log size 8 bytes exceeded, truncating log-----\n");
    }

    [Fact]
    public async Task InvokeAsync_Timeout_KillsContainerAndReportsTimeout()
    {
        var time = new FakeTimeProvider();
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { RunTime = TimeSpan.FromMinutes(5) } };
        await using var executor = CreateSut(driver, time: time);

        var call = executor.InvokeAsync(Echo(timeout: TimeSpan.FromSeconds(2)));
        await Eventually.HoldsAsync(() => driver.Events.Any(e => e.StartsWith("start", StringComparison.Ordinal)));
        time.Advance(TimeSpan.FromSeconds(2));
        using var result = await call;

        result.Status.ShouldBe(InvocationStatus.Timeout);
        result.Error!.StatusCode.ShouldBe(504);
        result.Error.Message.ShouldBe("Timed out: the call ran longer than its timeout of 2 s");
        await Eventually.HoldsAsync(() => driver.Killed == 1, "the kill follows the answer");
        await Eventually.HoldsAsync(() => driver.Removed == 1);
    }

    [Fact]
    public async Task InvokeAsync_SlowStart_TimeoutCountsFromTheEngineStartNotBefore()
    {
        var time = new FakeTimeProvider();
        var driver = new FakeContainerDriver { StartGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var executor = CreateSut(driver, o => o.StartTimeout = TimeSpan.FromSeconds(60), time);

        var call = executor.InvokeAsync(Echo("ran", timeout: TimeSpan.FromSeconds(2)));
        await Eventually.HoldsAsync(() => driver.StartsBegun == 1, "the engine's start has begun");

        // Five times the call's timeout passes while the engine starts the container: the function has not run yet.
        time.Advance(TimeSpan.FromSeconds(10));
        driver.StartGate.SetResult();
        using var result = await call;

        result.Status.ShouldBe(InvocationStatus.Success);
        result.OutputAsString().ShouldBe("ran");
        result.Timings.AttachStart.ShouldBe(TimeSpan.FromSeconds(10));
        driver.Killed.ShouldBe(0);
        await Eventually.HoldsAsync(() => driver.Removed == 1 && executor.ColdContainersInUse == 0, "the container is removed and its slot freed");
    }

    [Fact]
    public async Task InvokeAsync_StartPastTheStartBound_FailsWithStartTimeoutAndItsTimings()
    {
        var time = new FakeTimeProvider();
        var driver = new FakeContainerDriver { StartGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var executor = CreateSut(driver, o => o.StartTimeout = TimeSpan.FromSeconds(30), time);

        var call = executor.InvokeAsync(Echo(timeout: TimeSpan.FromMinutes(5)));
        await Eventually.HoldsAsync(() => driver.StartsBegun == 1, "the engine's start has begun");
        time.Advance(TimeSpan.FromSeconds(30));
        using var result = await call;

        result.Status.ShouldBe(InvocationStatus.Timeout);
        result.Error.ShouldBe(new FnError(
            FnErrorKind.StartTimeout,
            504,
            "Timed out: the container did not start within 30 s (queue 0.0 s, image 0.0 s, create 0.0 s, start 30.0 s); the function did not run"));
        result.Timings.AttachStart.ShouldBe(TimeSpan.FromSeconds(30));
        result.Timings.Run.ShouldBe(TimeSpan.Zero);
        await Eventually.HoldsAsync(() => driver.Removed == 1 && executor.ColdContainersInUse == 0, "the container is removed and its slot freed");
    }

    [Fact]
    public async Task InvokeAsync_WaitingForASlotPastTheStartBound_FailsWithStartTimeoutWhileTheRunningCallGoesOn()
    {
        var time = new FakeTimeProvider();
        var driver = new FakeContainerDriver { RunGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var executor = CreateSut(driver, o =>
        {
            o.MaxContainers = 1;
            o.StartTimeout = TimeSpan.FromSeconds(30);
        }, time);
        var running = executor.InvokeAsync(Echo("first", timeout: TimeSpan.FromMinutes(5)));
        await Eventually.HoldsAsync(() => driver.Events.Any(e => e.StartsWith("start ", StringComparison.Ordinal)), "the first call runs");

        var waiting = executor.InvokeAsync(Echo("second", timeout: TimeSpan.FromMinutes(5)));
        // Its ensure-image ran (so its start bound is armed); now it waits for the one container slot.
        await Eventually.HoldsAsync(() => driver.Events.Count(e => e.StartsWith("image ", StringComparison.Ordinal)) == 2 && executor.ColdQueuedCalls == 1, "the second call waits for a container");
        time.Advance(TimeSpan.FromSeconds(30));
        using var late = await waiting;

        late.Error!.Kind.ShouldBe(FnErrorKind.StartTimeout);
        late.Error.Message.ShouldStartWith("Timed out: the container did not start within 30 s (");
        (late.Timings.Queue + late.Timings.Image + late.Timings.Create + late.Timings.AttachStart).ShouldBe(TimeSpan.FromSeconds(30));
        late.Timings.AttachStart.ShouldBe(TimeSpan.Zero);
        driver.Created.ShouldBe(1);
        driver.RunGate.SetResult();
        using var first = await running;
        first.Status.ShouldBe(InvocationStatus.Success);
        await Eventually.HoldsAsync(() => driver.Removed == 1 && executor.ColdContainersInUse == 0 && executor.ColdQueuedCalls == 0, "everything is freed");
    }

    [Fact]
    public async Task InvokeAsync_Timeout_IsAnsweredWhileTheKillIsStillBlocked()
    {
        var time = new FakeTimeProvider();
        var driver = new FakeContainerDriver
        {
            Behavior = _ => new FakeBehavior { RunTime = TimeSpan.FromMinutes(5) },
            KillGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        await using var executor = CreateSut(driver, time: time);

        var call = executor.InvokeAsync(Echo(timeout: TimeSpan.FromSeconds(2)));
        await Eventually.HoldsAsync(() => driver.Events.Any(e => e.StartsWith("start", StringComparison.Ordinal)), "the function runs");
        time.Advance(TimeSpan.FromSeconds(2));

        // The answer comes while the engine has not finished the kill (a loaded engine took up to 8 s for it).
        await Eventually.HoldsAsync(() => call.IsCompleted, "the timed-out call is answered");
        driver.Killed.ShouldBe(0);
        using var result = await call;
        result.Status.ShouldBe(InvocationStatus.Timeout);
        result.Error!.Kind.ShouldBe(FnErrorKind.Timeout);
        await Eventually.HoldsAsync(() => driver.KillsBegun == 1, "the kill has begun");
        executor.ColdContainersInUse.ShouldBe(1);

        driver.KillGate.SetResult();
        await Eventually.HoldsAsync(() => driver.Killed == 1 && driver.Removed == 1 && executor.ColdContainersInUse == 0, "the kill and the removal finish");
    }

    [Fact]
    public async Task InvokeAsync_CallerCancels_KillsContainerAndReportsCancelled()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { RunTime = TimeSpan.FromMinutes(5) } };
        await using var executor = CreateSut(driver);
        using var cts = new CancellationTokenSource();

        var call = executor.InvokeAsync(Echo(), cts.Token);
        await Eventually.HoldsAsync(() => driver.Events.Any(e => e.StartsWith("start", StringComparison.Ordinal)));
        await cts.CancelAsync();
        using var result = await call;

        result.Status.ShouldBe(InvocationStatus.Cancelled);
        result.Error!.Kind.ShouldBe(FnErrorKind.Cancelled);
        await Eventually.HoldsAsync(() => driver.Killed == 1, "the kill follows the answer");
        await Eventually.HoldsAsync(() => driver.Removed == 1);
    }

    [Fact]
    public async Task InvokeAsync_ImageFailure_ReturnsItsErrorAndCreatesNothing()
    {
        var driver = new FakeContainerDriver
        {
            ImageFailure = image => new FnCallException(new FnError(FnErrorKind.ImageNotFound, 404, $"Failed to pull image '{image}': manifest unknown")),
        };
        await using var executor = CreateSut(driver);

        using var result = await executor.InvokeAsync(Echo());

        result.Error.ShouldBe(new FnError(FnErrorKind.ImageNotFound, 404, "Failed to pull image 'fnpipeline/testfn:latest': manifest unknown"));
        driver.Created.ShouldBe(0);
    }

    [Fact]
    public async Task InvokeAsync_EngineFailureAtStart_ThrowsAndStillRemovesContainer()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { StartFailure = new IOException("engine went away") } };
        await using var executor = CreateSut(driver);

        var ex = await Should.ThrowAsync<FnEngineException>(() => executor.InvokeAsync(Echo()));

        ex.Message.ShouldBe("The engine failed in stage attach-and-start for image 'fnpipeline/testfn:latest': engine went away");
        // The slot is released just after the removal the fake counts.
        await Eventually.HoldsAsync(() => driver.Removed == 1 && executor.ColdContainersInUse == 0);
    }

    [Fact]
    public async Task InvokeAsync_ResultBeforeCleanup_CallerDoesNotWaitForRemoval()
    {
        var driver = new FakeContainerDriver();
        await using var executor = CreateSut(driver);

        using var result = await executor.InvokeAsync(Echo());
        await Eventually.HoldsAsync(() => result.Timings.Cleanup is not null);

        // The run's figure was final when the result was delivered (it is not filled in by the cleanup).
        result.Timings.Run.ShouldBeGreaterThan(TimeSpan.Zero);
        driver.Events[^1].ShouldStartWith("remove");
    }

    [Fact]
    public async Task InvokeAsync_WaitingBehindAFullPipeline_ReportsQueueTime()
    {
        var time = new FakeTimeProvider();
        var driver = new FakeContainerDriver { RunGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var executor = CreateSut(driver, o =>
        {
            o.Stages.ImageParallelism = 1;
            o.Stages.BufferPerStage = 1;
            o.Stages.CreateParallelism = 1;
            o.Stages.StartParallelism = 1;
            o.Stages.RunParallelism = 1;
            o.MaxContainers = 1;
        }, time);
        var first = executor.InvokeAsync(Echo("first"));
        await Eventually.HoldsAsync(() => driver.Created == 1);
        var waiting = Enumerable.Range(0, 6).Select(i => executor.InvokeAsync(Echo($"w{i}"))).ToArray();
        await Eventually.HoldsAsync(() => executor.ColdQueuedCalls == 6, "the six calls wait behind the first");

        time.Advance(TimeSpan.FromSeconds(3));
        driver.RunGate.SetResult();
        using var firstResult = await first;
        var results = await Task.WhenAll(waiting);

        firstResult.Timings.Queue.ShouldBe(TimeSpan.Zero);
        results.Max(r => r.Timings.Queue).ShouldBe(TimeSpan.FromSeconds(3));
        foreach (var r in results)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task DisposeAsync_DrainsInFlightCallsThenRefusesNewOnes()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { RunTime = TimeSpan.FromMilliseconds(100) } };
        var executor = CreateSut(driver);
        var calls = Enumerable.Range(0, 5).Select(_ => executor.InvokeAsync(Echo())).ToArray();
        await Eventually.HoldsAsync(() => driver.Created > 0);

        await executor.DisposeAsync();

        (await Task.WhenAll(calls)).ShouldAllBe(r => r.Status == InvocationStatus.Success);
        driver.Alive.ShouldBe(0);
        await Should.ThrowAsync<ObjectDisposedException>(() => executor.InvokeAsync(Echo()));
    }

    [Fact]
    public async Task Result_Dispose_ReturnsOutputAndForbidsFurtherReads()
    {
        var driver = new FakeContainerDriver();
        await using var executor = CreateSut(driver);
        var result = await executor.InvokeAsync(Echo(new string('x', 10_000)));
        using (var stream = result.OpenOutput())
        {
            stream.Length.ShouldBe(10_000);
        }

        result.Dispose();

        Should.Throw<ObjectDisposedException>(() => result.Output);
    }
}
