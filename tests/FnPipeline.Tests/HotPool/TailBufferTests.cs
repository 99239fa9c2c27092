using System.Text;
using FnPipeline.HotPool;

namespace FnPipeline.Tests.HotPool;

public sealed class TailBufferTests
{
    [Fact]
    public void Tail_FewLines_ReturnsTheLastOnes()
    {
        using var sut = new TailBuffer(1024);
        sut.Append(Encoding.UTF8.GetBytes("one\ntwo\nthree\n"));

        sut.Tail(2).ShouldBe("two\nthree");
    }

    [Theory]
    [InlineData(16)]
    [InlineData(7)]
    [InlineData(1)]
    public void Tail_Wrapped_KeepsTheLastBytes(int chunk)
    {
        using var sut = new TailBuffer(16);
        var text = string.Join("\n", Enumerable.Range(0, 50).Select(i => $"l{i}")) + "\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            sut.Append(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        }

        sut.Tail(2).ShouldBe("l48\nl49");
    }

    [Fact]
    public void Tail_Empty_IsEmpty()
    {
        using var sut = new TailBuffer(16);

        sut.Tail(3).ShouldBe("");
    }
}
