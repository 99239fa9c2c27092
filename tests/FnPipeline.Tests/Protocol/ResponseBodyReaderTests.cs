using System.Net;
using FnPipeline.Protocol;

namespace FnPipeline.Tests.Protocol;

public sealed class ResponseBodyReaderTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(10, true)]
    [InlineData(100, true)]
    [InlineData(10, false)]
    [InlineData(100, false)]
    public async Task ReadAsync_WithinTheCap_IsComplete(int size, bool knownLength)
    {
        using var content = Content(size, knownLength);

        var (body, state) = await ResponseBodyReader.ReadAsync(content, 100, 1000, CancellationToken.None);

        using (body)
        {
            state.ShouldBe(ResponseBodyState.Complete);
            body.WrittenCount.ShouldBe(size);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_OverTheCapWithinTheDrainAllowance_IsDrained(bool knownLength)
    {
        using var content = Content(500, knownLength);

        var (body, state) = await ResponseBodyReader.ReadAsync(content, 100, 1000, CancellationToken.None);

        using (body)
        {
            state.ShouldBe(ResponseBodyState.TooLargeDrained);
            body.WrittenCount.ShouldBe(100);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_FarOverTheCap_IsNotDrained(bool knownLength)
    {
        using var content = Content(50_000, knownLength);

        var (body, state) = await ResponseBodyReader.ReadAsync(content, 100, 1000, CancellationToken.None);

        using (body)
        {
            state.ShouldBe(ResponseBodyState.TooLargeNotDrained);
        }
    }

    [Fact]
    public async Task ReadAsync_Cancelled_Throws()
    {
        using var content = Content(10, knownLength: false);

        await Should.ThrowAsync<OperationCanceledException>(() => ResponseBodyReader.ReadAsync(content, 100, 1000, new CancellationToken(true)).AsTask());
    }

    private static HttpContent Content(int size, bool knownLength)
    {
        var bytes = new byte[size];
        return knownLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
    }

    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
