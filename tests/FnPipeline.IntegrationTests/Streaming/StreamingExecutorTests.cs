using FnPipeline.IntegrationTests.Cold;
using FnPipeline.IntegrationTests.Hot;
using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.Streaming;

/// <summary>
/// <see cref="IFnExecutor.InvokeStreamingAsync"/> against the real engine, both lanes: the output arrives while the
/// function still writes; a cap hit after the head faults the stream and fails the call; the input streams in.
/// </summary>
[Trait("Category", "Docker")]
[Collection(DockerCollectionDefinition.Name)]
public sealed class StreamingExecutorTests(EngineFixture engine)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SlowOutput_FirstLineArrivesBeforeTheFunctionWroteItsLast(bool hot)
    {
        await using var lane = await Lane.StartAsync(engine, hot);

        await using var call = await lane.Executor.InvokeStreamingAsync(lane.Call("!chunks 5 150\n"));
        var times = await ChunkLines.ReadAsync(call.Output);
        using var result = await call.Completion;

        call.IsStreaming.ShouldBeTrue();
        result.Status.ShouldBe(InvocationStatus.Success, result.Error?.Message);
        times.Lines.Count.ShouldBe(5);
        times.FirstReceivedAt.ShouldBeLessThan(times.WrittenAt[^1], $"first line received at {times.FirstReceivedAt}, written at {string.Join(", ", times.WrittenAt)}");
        if (hot)
        {
            call.FunctionStatusCode.ShouldBe(200);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CapHitAfterTheHead_FaultsTheStream_AndFailsTheCall(bool hot)
    {
        await using var lane = await Lane.StartAsync(engine, hot);
        var call0 = lane.Call($"!pattern {10 * 1024 * 1024}\n") with { MaxOutputBytes = 1024 * 1024 };

        await using var call = await lane.Executor.InvokeStreamingAsync(call0);
        var fault = await Should.ThrowAsync<FnStreamException>(() => TestPattern.HashAsync(call.Output));
        using var result = await call.Completion;

        call.IsStreaming.ShouldBeTrue();
        fault.Error!.Kind.ShouldBe(FnErrorKind.OutputTooLarge);
        fault.Message.ShouldContain("1048576 bytes");
        result.Status.ShouldBe(InvocationStatus.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamedInputAndOutput_AreByteExact(bool hot)
    {
        const long size = 20L * 1000 * 1000;
        await using var lane = await Lane.StartAsync(engine, hot);
        await using var input = TestPattern.Open(size, "!hash\n");

        // Not seekable to the executor: the input is read as the call runs (hot: with the given length).
        using var up = await lane.Executor.InvokeAsync(lane.Call("") with { Input = CallInput.FromStream(new ForwardOnly(input), input.Length) });
        await using var down = await lane.Executor.InvokeStreamingAsync(lane.Call($"!pattern {size}\n") with { MaxOutputBytes = 2 * size });

        up.OutputAsString().ShouldBe(TestPattern.HashLine(size), up.Error?.Message);
        (await TestPattern.HashAsync(down.Output)).ShouldBe(TestPattern.HashLine(size));
        (await down.Completion).Status.ShouldBe(InvocationStatus.Success);
    }

    /// <summary>One lane's executor and calls (cold: a plain executor; hot: the hot kit).</summary>
    private sealed class Lane : IAsyncDisposable
    {
        private readonly HotExecutorKit? _hot;
        private readonly FnExecutor? _cold;

        private Lane(HotExecutorKit? hot, FnExecutor? cold)
        {
            _hot = hot;
            _cold = cold;
        }

        public FnExecutor Executor => _hot?.Executor ?? _cold!;

        public static async Task<Lane> StartAsync(EngineFixture engine, bool hot) =>
            hot ? new Lane(await HotExecutorKit.StartAsync(engine), null) : new Lane(null, ExecutorTestKit.Create(engine));

        public FunctionCall Call(string input) =>
            _hot is null ? ExecutorTestKit.Call(TestImages.TestFunction, input) : HotExecutorKit.Call(TestImages.TestFunction, input);

        public async ValueTask DisposeAsync()
        {
            if (_hot is not null)
            {
                await _hot.DisposeAsync();
            }

            if (_cold is not null)
            {
                await _cold.DisposeAsync();
            }
        }
    }

    /// <summary>A stream that hides its length and seeking, as a network body does.</summary>
    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
