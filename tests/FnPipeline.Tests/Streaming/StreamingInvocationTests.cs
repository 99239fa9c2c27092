using FnPipeline.Streaming;
using FnPipeline.Tests.Fakes;
using Shouldly;
using Xunit;

namespace FnPipeline.Tests.Streaming;

/// <summary>
/// <see cref="FnExecutor.InvokeStreamingAsync"/> on the fake driver (cold lane): the output through the stream with
/// backpressure, the outcome after it, failures after the head as a faulted stream, early disposal as cancellation.
/// </summary>
public sealed class StreamingInvocationTests
{
    private static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = TestPattern.At(i);
        }

        return bytes;
    }

    private static FunctionCall Call(long maxOutputBytes = 0) => new()
    {
        Image = "fnpipeline/testfn:latest",
        Input = CallInput.FromString("x"),
        MaxOutputBytes = maxOutputBytes,
    };

    private static FnExecutor CreateSut(FakeContainerDriver driver) =>
        new(new FnPipelineOptions { InstanceId = "unit" }, driver, hotFactory: null, loggerFactory: null, timeProvider: null);

    [Fact]
    public async Task Output_ComesThroughTheStream_AndTheResultFollowsWithoutIt()
    {
        var output = Pattern(1024 * 1024);
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { Output = output } };
        await using var executor = CreateSut(driver);

        await using var call = await executor.InvokeStreamingAsync(Call());
        using var read = new MemoryStream();
        await call.Output.CopyToAsync(read);
        var result = await call.Completion;

        call.IsStreaming.ShouldBeTrue();
        read.ToArray().ShouldBe(output);
        result.Status.ShouldBe(InvocationStatus.Success);
        result.ExitCode.ShouldBe(0);
        result.Output.Length.ShouldBe(0, "the bytes went through the stream");
    }

    [Fact]
    public async Task OutputPastTheCap_FaultsTheStreamAfterTheBytesUpToIt_AndTheCallFails()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { Output = Pattern(1024 * 1024) } };
        await using var executor = CreateSut(driver);

        await using var call = await executor.InvokeStreamingAsync(Call(maxOutputBytes: 200_000));
        long received = 0;
        var fault = await Should.ThrowAsync<FnStreamException>(async () =>
        {
            var buffer = new byte[8192];
            int n;
            while ((n = await call.Output.ReadAsync(buffer)) > 0)
            {
                received += n;
            }
        });
        var result = await call.Completion;

        fault.Error!.Kind.ShouldBe(FnErrorKind.OutputTooLarge);
        fault.Message.ShouldBe("The call of image 'fnpipeline/testfn:latest' failed after its output began: function output exceeded the maximum output size of 200000 bytes");
        received.ShouldBeLessThanOrEqualTo(200_000);
        result.Status.ShouldBe(InvocationStatus.Error);
        result.Error!.Kind.ShouldBe(FnErrorKind.OutputTooLarge);
    }

    [Fact]
    public async Task ExitCodeAfterOutput_FaultsTheStream()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { Output = "partial"u8.ToArray(), ExitCode = 2 } };
        await using var executor = CreateSut(driver);

        await using var call = await executor.InvokeStreamingAsync(Call());
        var fault = await Should.ThrowAsync<FnStreamException>(() => new StreamReader(call.Output).ReadToEndAsync());

        call.IsStreaming.ShouldBeTrue();
        fault.Error!.Message.ShouldBe("container exit code 2");
        (await call.Completion).Status.ShouldBe(InvocationStatus.Error);
    }

    [Fact]
    public async Task FailureBeforeAnyOutput_IsAnsweredWhole_NotStreamed()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { Output = [], ExitCode = 3, Stderr = "bad input" } };
        await using var executor = CreateSut(driver);

        await using var call = await executor.InvokeStreamingAsync(Call());

        call.IsStreaming.ShouldBeFalse();
        call.Completion.IsCompleted.ShouldBeTrue();
        var result = await call.Completion;
        result.Error!.Message.ShouldBe("container exit code 3");
        result.Stderr.ShouldContain("bad input");
    }

    [Fact]
    public async Task DisposedBeforeTheEnd_CancelsTheCall_AndRemovesItsContainer()
    {
        // Four times the pipe's pause threshold, and a long run: only a cancellation ends this call.
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { Output = Pattern(4 * OutputStreamer.PauseBytes), RunTime = TimeSpan.FromMinutes(10) } };
        await using var executor = CreateSut(driver);

        var call = await executor.InvokeStreamingAsync(Call());
        (await call.Output.ReadAsync(new byte[100])).ShouldBeGreaterThan(0);
        var completion = call.Completion;
        await call.DisposeAsync();

        (await completion).Status.ShouldBe(InvocationStatus.Cancelled);
        await Eventually.HoldsAsync(() => driver.Removed == 1);
    }

    [Fact]
    public async Task SlowReader_HoldsTheWriter_AtThePipesThreshold()
    {
        var streamer = new OutputStreamer("image 'x'");
        var total = 8 * OutputStreamer.PauseBytes;
        var chunk = new byte[FakeContainer.StreamChunk];
        var held = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(async () =>
        {
            for (var written = 0; written < total; written += chunk.Length)
            {
                // Below the threshold a write completes at once; the first one that does not is held by the pipe.
                var write = streamer.WriteAsync(chunk, CancellationToken.None);
                if (!write.IsCompleted)
                {
                    held.TrySetResult(streamer.Written);
                }

                await write;
            }

            await streamer.CompleteAsync(null);
        });

        // Nobody reads: the writer is held once the unread bytes reach the threshold, far below the total, and only a
        // reader can release it.
        (await Task.WhenAny(held.Task, writer).WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(held.Task, "a write was held before the writer wrote everything");
        var heldAt = await held.Task;
        heldAt.ShouldBeGreaterThanOrEqualTo(OutputStreamer.PauseBytes - chunk.Length);
        heldAt.ShouldBeLessThanOrEqualTo(OutputStreamer.PauseBytes);
        writer.IsCompleted.ShouldBeFalse();
        streamer.Written.ShouldBe(heldAt, "the held write has not returned");

        // A reader releases it, and gets every byte.
        using var read = new MemoryStream();
        await streamer.Reader.AsStream().CopyToAsync(read);
        await writer;
        read.Length.ShouldBe(total);
    }
}
