using System.Net;
using FnPipeline.Fleet.Async;
using FnPipeline.Fleet.Tests.Infrastructure;
using FnPipeline.Fleet.Wire;
using FnPipeline.Testing.Engine;
using FnPipeline.Testing.Fleet;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace FnPipeline.Fleet.Tests.Async;

/// <summary>
/// Asynchronous calls on the 3-server NATS cluster of scripts/fleet-up.sh, run by in-process nodes, each on its own
/// node engine (node i on engine i).
/// </summary>
[Collection(FleetCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class AsyncCallTests
{
    private static readonly TimeSpan ResultWait = TimeSpan.FromSeconds(90);

    private static AsyncTestFleet Fleet(FleetAsyncOptions? options = null, string? name = null) =>
        new(options ?? new FleetAsyncOptions(), name);

    [Fact]
    public async Task SubmittedCall_IsPendingWithoutNodes_ThenItsResultIsRetrievable()
    {
        await using var fleet = Fleet();

        var callId = await fleet.Client.SubmitAsync(AsyncTestFleet.Call("hello async"));

        callId.ShouldNotBeNullOrEmpty();
        (await fleet.Client.GetResultAsync(callId)).ShouldBeOfType<AsyncCallResult.Pending>().SubmittedAt.ShouldNotBeNull();
        (await fleet.Client.GetResultAsync("no-such-call")).ShouldBeOfType<AsyncCallResult.NotFound>();

        await fleet.StartNodeAsync("n1");
        using var done = (await fleet.Client.WaitForResultAsync(callId, ResultWait)).ShouldBeOfType<AsyncCallResult.Completed>();
        done.Result.Status.ShouldBe(InvocationStatus.Success, done.Result.ToString());
        done.Result.OutputAsString().ShouldBe("hello async");
        done.Result.CallId.ShouldBe(callId);
        done.NodeId.ShouldBe("n1");
        done.FailedRuns.ShouldBe(0);

        // Read again later: the stored result, not a second run.
        using var again = (await fleet.Client.GetResultAsync(callId)).ShouldBeOfType<AsyncCallResult.Completed>();
        again.Result.OutputAsString().ShouldBe("hello async");
        fleet.Runs.ShouldBe(1);
    }

    [Fact]
    public async Task SameCallId_SubmittedTwice_RunsOnce()
    {
        await using var fleet = Fleet();
        var call = AsyncTestFleet.Call("once") with { CallId = "dup-" + Guid.NewGuid().ToString("N")[..8] };

        (await fleet.Client.SubmitAsync(call)).ShouldBe(call.CallId);
        (await fleet.Client.SubmitAsync(call)).ShouldBe(call.CallId);
        await fleet.StartNodeAsync("n1");

        using var done = (await fleet.Client.WaitForResultAsync(call.CallId, ResultWait)).ShouldBeOfType<AsyncCallResult.Completed>();
        done.Result.OutputAsString().ShouldBe("once");
        await Eventually.HoldsAsync(async () => await StreamMessagesAsync(fleet) == 0, TimeSpan.FromSeconds(10), "the stream holds no call");
        fleet.Runs.ShouldBe(1);
    }

    [Fact]
    public async Task FunctionFailure_IsStored_NotRetried_TheFunctionRanOnce()
    {
        var runs = Directory.CreateTempSubdirectory("fnp-async-runs-");
        try
        {
            await using var fleet = Fleet(new FleetAsyncOptions { RetryDelay = TimeSpan.FromMilliseconds(200) });
            await fleet.StartNodeAsync("n1");

            var callId = await fleet.Client.SubmitAsync(CountingBusyboxCall(runs.FullName));

            using var done = (await fleet.Client.WaitForResultAsync(callId, ResultWait)).ShouldBeOfType<AsyncCallResult.Completed>();
            done.Result.Error.ShouldNotBeNull().Kind.ShouldBe(FnErrorKind.ContainerExit);
            done.Result.ExitCode.ShouldBe(3);
            done.FailedRuns.ShouldBe(0);
            await Eventually.HoldsAsync(async () => await StreamMessagesAsync(fleet) == 0, TimeSpan.FromSeconds(10), "the stream holds no call");
            (await File.ReadAllLinesAsync(Path.Join(runs.FullName, "count"))).Length.ShouldBe(1, "the function wrote one line per run");
        }
        finally
        {
            runs.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task FunctionFailure_IsRetried_WhenTheCallAsks_UpToMaxAttempts()
    {
        var runs = Directory.CreateTempSubdirectory("fnp-async-runs-");
        try
        {
            await using var fleet = Fleet(new FleetAsyncOptions { MaxAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(200) });
            await fleet.StartNodeAsync("n1");

            var callId = await fleet.Client.SubmitAsync(CountingBusyboxCall(runs.FullName), new AsyncCallOptions { RetryFunctionFailures = true });

            using var done = (await fleet.Client.WaitForResultAsync(callId, ResultWait)).ShouldBeOfType<AsyncCallResult.Completed>();
            done.Result.Error.ShouldNotBeNull().Kind.ShouldBe(FnErrorKind.ContainerExit);
            done.FailedRuns.ShouldBe(3);
            (await File.ReadAllLinesAsync(Path.Join(runs.FullName, "count"))).Length.ShouldBe(3);
        }
        finally
        {
            runs.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task EngineFailures_AreRetried_WithGrowingBackOff_ThenTheCallSucceeds()
    {
        var retryDelay = TimeSpan.FromMilliseconds(500);
        await using var fleet = Fleet(new FleetAsyncOptions { MaxAttempts = 5, RetryDelay = retryDelay });
        var node = await fleet.StartNodeAsync("n1", configure: e => e.FailFirstRuns(2));

        var callId = await fleet.Client.SubmitAsync(AsyncTestFleet.Call("after two engine failures"));

        using var done = (await fleet.Client.WaitForResultAsync(callId, ResultWait)).ShouldBeOfType<AsyncCallResult.Completed>();
        done.Result.Status.ShouldBe(InvocationStatus.Success, done.Result.ToString());
        done.Result.OutputAsString().ShouldBe("after two engine failures");
        done.FailedRuns.ShouldBe(2);
        var starts = node.Executor.StartTimes.ToArray();
        starts.Length.ShouldBe(3);

        // The stream held the call back for at least the back-off: 1x then 2x the retry delay (lower bounds only).
        var slack = TimeSpan.FromMilliseconds(50);
        (starts[1] - starts[0]).ShouldBeGreaterThanOrEqualTo(retryDelay - slack);
        (starts[2] - starts[1]).ShouldBeGreaterThanOrEqualTo(retryDelay * 2 - slack);
    }

    [Fact]
    public async Task RealEngineFailure_PullFromAnUnreachableRegistry_IsRetried_ThenStoredAsTheResult()
    {
        await using var fleet = Fleet(new FleetAsyncOptions { MaxAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(200) });
        await fleet.StartNodeAsync("n1");

        // Nothing listens on 127.0.0.1:5999: the pull fails at the engine, a failure a retry may cure.
        var callId = await fleet.Client.SubmitAsync(AsyncTestFleet.Call("x", image: "127.0.0.1:5999/fnpipeline/none:latest"));

        using var done = (await fleet.Client.WaitForResultAsync(callId, ResultWait)).ShouldBeOfType<AsyncCallResult.Completed>();
        done.Result.Error.ShouldNotBeNull().Kind.ShouldBe(FnErrorKind.ImagePullFailed, done.Result.ToString());
        done.FailedRuns.ShouldBe(2);
        fleet.Runs.ShouldBe(2);
    }

    [Fact]
    public async Task NodeKilledMidCall_AnotherNodeCompletesIt_StoredOnce()
    {
        await using var fleet = Fleet(new FleetAsyncOptions { AckWait = TimeSpan.FromSeconds(2) });
        var first = await fleet.StartNodeAsync("first");

        var callId = await fleet.Client.SubmitAsync(AsyncTestFleet.Call("!sleep 3000\nsurvived"));
        await first.Executor.FirstStarted.Task.WaitAsync(ResultWait);
        var second = await fleet.StartNodeAsync("second");
        await first.KillAsync();

        using var done = (await fleet.Client.WaitForResultAsync(callId, ResultWait)).ShouldBeOfType<AsyncCallResult.Completed>();
        done.Result.Status.ShouldBe(InvocationStatus.Success, done.Result.ToString());
        done.Result.OutputAsString().ShouldBe("survived");
        done.NodeId.ShouldBe("second");
        first.Executor.Invocations.ShouldBe(1);
        second.Executor.Invocations.ShouldBe(1, "at least once as seen by the function: the dead node's run and the second");
        await Eventually.HoldsAsync(async () => await StreamMessagesAsync(fleet) == 0, TimeSpan.FromSeconds(10), "the stream holds no call");
    }

    [Fact]
    public async Task ResultAndLimitBuckets_AreReadFromTheirLeader_NotFromAnyReplica()
    {
        await using var fleet = Fleet();
        await fleet.Client.GetResultAsync("warm-up");
        await using var connection = FleetConnections.Create(new FleetOptions { Url = FleetFixture.NatsUrl, Fleet = fleet.Fleet });
        var js = new NatsJSContext(connection);
        var subjects = new FleetSubjects(fleet.Fleet);

        // Direct gets are answered by any replica: a result read right after it was stored could read "pending".
        foreach (var bucket in new[] { subjects.ResultsBucket, AsyncProvisioning.LimitsBucket(subjects) })
        {
            var stream = await js.GetStreamAsync("KV_" + bucket);
            stream.Info.Config.NumReplicas.ShouldBe(3, bucket);
            stream.Info.Config.AllowDirect.ShouldBeFalse(bucket);
        }
    }

    [Fact]
    public async Task TwoRunsOfOneCall_OnlyTheFirstOutcomeIsStored()
    {
        await using var fleet = Fleet();
        await fleet.Client.GetResultAsync("warm-up");
        await using var connection = FleetConnections.Create(new FleetOptions { Url = FleetFixture.NatsUrl, Fleet = fleet.Fleet });
        var bucket = await new NatsKVContext(new NatsJSContext(connection)).GetStoreAsync(new FleetSubjects(fleet.Fleet).ResultsBucket);
        var store = new AsyncResultStore(bucket, TimeProvider.System);
        var callId = "twice-" + Guid.NewGuid().ToString("N")[..8];

        (await store.CompleteAsync(callId, new CallOutcome { CallId = callId, NodeId = "a" }, "from a"u8.ToArray(), default)).ShouldBeTrue();
        (await store.CompleteAsync(callId, new CallOutcome { CallId = callId, NodeId = "b" }, "from b"u8.ToArray(), default)).ShouldBeFalse();
        (await store.RecordFailedRunAsync(callId, "late failure", default)).ShouldBe(0);

        using var stored = (await fleet.Client.GetResultAsync(callId)).ShouldBeOfType<AsyncCallResult.Completed>();
        stored.NodeId.ShouldBe("a");
        stored.Result.OutputAsString().ShouldBe("from a");
    }

    [Fact]
    public async Task ConcurrentWrites_OnTheCluster_StoreOneOutcome_AndTakeOnlyTheLimitsLeases()
    {
        await using var fleet = Fleet();
        await fleet.Client.GetResultAsync("warm-up");
        var connections = FleetFixture.Servers.Select(s => FleetConnections.Create(new FleetOptions { Url = s.ClientUrl, Fleet = fleet.Fleet })).ToList();
        try
        {
            var subjects = new FleetSubjects(fleet.Fleet);
            var results = new List<AsyncResultStore>();
            var limiters = new List<FunctionInFlightLimiter>();
            foreach (var connection in connections)
            {
                var kv = new NatsKVContext(new NatsJSContext(connection));
                results.Add(new AsyncResultStore(await kv.GetStoreAsync(subjects.ResultsBucket), TimeProvider.System));
                limiters.Add(new FunctionInFlightLimiter(await kv.GetStoreAsync(AsyncProvisioning.LimitsBucket(subjects))));
            }

            for (var round = 0; round < 10; round++)
            {
                // One call completed by a run on each server at once (after a pending record, as a submission leaves it).
                var callId = $"race-{round}-{Guid.NewGuid():N}"[..24];
                await results[0].MarkPendingAsync(callId, default);
                var stored = await Task.WhenAll(results.Select((store, i) =>
                    store.CompleteAsync(callId, new CallOutcome { CallId = callId, NodeId = $"n{i}" }, ReadOnlyMemory<byte>.Empty, default)));
                stored.Count(s => s).ShouldBe(1, $"round {round}: one outcome stored");

                // Six calls race for a limit of two leases, then release them and race again (slots reused after a delete).
                for (var pass = 0; pass < 2; pass++)
                {
                    var leases = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
                        limiters[i % limiters.Count].TryAcquireAsync($"fn{round}", 2, $"call{pass}-{i}", default)));
                    leases.Count(l => l is not null).ShouldBe(2, $"round {round}, pass {pass}: two leases taken");
                    foreach (var lease in leases.OfType<FunctionInFlightLimiter.Lease>())
                    {
                        await lease.ReleaseAsync(default);
                    }
                }
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Callback_IsPostedAfterTheResultIsStored_AndRetriedOn503()
    {
        await using var fleet = Fleet(new FleetAsyncOptions { RetryDelay = TimeSpan.FromMilliseconds(200) });
        using var listener = new CallbackListener();
        var storedWhenCalledBack = new TaskCompletionSource<AsyncCallResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.OnRequest = async (request, index) =>
        {
            if (index == 0)
            {
                storedWhenCalledBack.TrySetResult(await fleet.Client.GetResultAsync(request.CallId));
                return HttpStatusCode.ServiceUnavailable;
            }

            return HttpStatusCode.OK;
        };
        await fleet.StartNodeAsync("n1");

        var callId = await fleet.Client.SubmitAsync(AsyncTestFleet.Call("called back"), new AsyncCallOptions { CallbackUrl = listener.Url });

        var second = await listener.Requests[1].Task.WaitAsync(ResultWait);
        second.Method.ShouldBe("POST");
        second.CallId.ShouldBe(callId);
        second.Body.ShouldBe("called back");
        second.Headers["Fnp-Status"].ShouldBe("Success");
        second.Headers["Fnp-Node"].ShouldBe("n1");
        second.Headers["Content-Type"].ShouldBe("application/octet-stream");
        (await listener.Requests[0].Task).Body.ShouldBe("called back");
        using var stored = (await storedWhenCalledBack.Task.WaitAsync(ResultWait)).ShouldBeOfType<AsyncCallResult.Completed>();
        stored.Result.OutputAsString().ShouldBe("called back");
    }

    [Fact]
    public async Task PerFunctionLimit_IsHonouredAcrossNodes()
    {
        await using var fleet = Fleet(new FleetAsyncOptions { LimitRetryDelay = TimeSpan.FromMilliseconds(200) });
        await fleet.StartNodeAsync("n1", capacity: 2);
        await fleet.StartNodeAsync("n2", capacity: 2);
        await fleet.StartNodeAsync("n3", capacity: 2);

        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await fleet.Client.SubmitAsync(AsyncTestFleet.Call($"!sleep 1500\ncall {i}"), new AsyncCallOptions { MaxInFlight = 2 }));
        }

        for (var i = 0; i < ids.Count; i++)
        {
            using var done = (await fleet.Client.WaitForResultAsync(ids[i], ResultWait)).ShouldBeOfType<AsyncCallResult.Completed>();
            done.Result.OutputAsString().ShouldBe($"call {i}", done.Result.ToString());
        }

        fleet.Runs.ShouldBe(5);
        fleet.Gauge.Max.ShouldBe(2, "six slots of room, five calls, a limit of two");
    }

    [Fact]
    public async Task TwoFleetsOnOneServer_AreIsolated()
    {
        await using var red = Fleet();
        await using var blue = Fleet();
        await red.StartNodeAsync("red-node");

        var blueCall = await blue.Client.SubmitAsync(AsyncTestFleet.Call("blue"));
        var redCall = await red.Client.SubmitAsync(AsyncTestFleet.Call("red"));

        using (var redDone = (await red.Client.WaitForResultAsync(redCall, ResultWait)).ShouldBeOfType<AsyncCallResult.Completed>())
        {
            redDone.NodeId.ShouldBe("red-node");
        }

        (await blue.Client.GetResultAsync(blueCall)).ShouldBeOfType<AsyncCallResult.Pending>();
        (await blue.Client.GetResultAsync(redCall)).ShouldBeOfType<AsyncCallResult.NotFound>();
        (await red.Client.GetResultAsync(blueCall)).ShouldBeOfType<AsyncCallResult.NotFound>();

        await blue.StartNodeAsync("blue-node");
        using var blueDone = (await blue.Client.WaitForResultAsync(blueCall, ResultWait)).ShouldBeOfType<AsyncCallResult.Completed>();
        blueDone.NodeId.ShouldBe("blue-node");
        blueDone.Result.OutputAsString().ShouldBe("blue");
        red.Runs.ShouldBe(1);
    }

    [Fact]
    public async Task CallLargerThanMaxPayload_IsRefused_NamingSizeAndLimit()
    {
        await using var fleet = Fleet();
        var call = AsyncTestFleet.Call(new string('x', (int)FleetFixture.MaxPayload));

        var error = await Should.ThrowAsync<FleetPayloadTooLargeException>(() => fleet.Client.SubmitAsync(call));

        error.Limit.ShouldBe((int)FleetFixture.MaxPayload);
        error.Size.ShouldBeGreaterThan((int)FleetFixture.MaxPayload);
        error.Message.ShouldContain("fnpipeline/testfn:latest");
        error.Message.ShouldContain("max_payload of 8,388,608 bytes");
    }

    private static FunctionCall CountingBusyboxCall(string runsDirectory) => AsyncTestFleet.Call("", TestImages.Busybox) with
    {
        Command = ["sh", "-c", "echo run >> /runs/count; exit 3"],
        Volumes = [new VolumeMount(runsDirectory, "/runs")],
    };

    private static async Task<ulong> StreamMessagesAsync(AsyncTestFleet fleet)
    {
        await using var connection = FleetConnections.Create(new FleetOptions { Url = FleetFixture.NatsUrl, Fleet = fleet.Fleet });
        var stream = await new NatsJSContext(connection).GetStreamAsync(new FleetSubjects(fleet.Fleet).AsyncStream);
        return (ulong)stream.Info.State.Messages;
    }
}
