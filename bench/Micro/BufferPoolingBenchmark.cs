using System.Buffers;
using BenchmarkDotNet.Attributes;
using FnPipeline.Benchmarks.Infrastructure;
using FnPipeline.Buffers;
using FnPipeline.Pipeline;

namespace FnPipeline.Benchmarks.Micro;

/// <summary>
/// The stdin → stdout path of a cold call: the input is read in 16 KB chunks (as the driver streams it to the
/// container) and the chunks collected as the call's output (as the driver's demultiplexer feeds stdout).
/// Fresh arrays (a new chunk buffer and a growing <see cref="MemoryStream"/> copied out with <c>ToArray</c>) [Baseline]
/// vs the executor's pooled path (an <see cref="ArrayPool{T}"/> chunk buffer and the <see cref="StdoutSink"/>'s
/// <see cref="PooledOutputBuffer"/>, whose ownership moves to the result and back to the pool on dispose).
/// </summary>
[MicroJob]
public class BufferPoolingBenchmark
{
    private const int ChunkBytes = 16 * 1024;
    private byte[] _input = null!;

    [Params(1024, 64 * 1024, 1024 * 1024)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup() => _input = new byte[PayloadBytes];

    [Benchmark(Baseline = true)]
    public int FreshArrays()
    {
        using var input = new ReadOnlyMemoryStream(_input);
        var chunk = new byte[ChunkBytes];
        using var output = new MemoryStream();
        int read;
        while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
        {
            output.Write(chunk, 0, read);
        }

        var result = output.ToArray();
        return result.Length;
    }

    [Benchmark]
    public int PooledStdoutSink()
    {
        using var input = new ReadOnlyMemoryStream(_input);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            using var stdout = new StdoutSink(64L * 1024 * 1024);
            int read;
            while ((read = input.Read(chunk, 0, ChunkBytes)) > 0)
            {
                stdout.Write(chunk.AsSpan(0, read));
            }

            using var result = stdout.Detach()!;
            return result.WrittenCount;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
