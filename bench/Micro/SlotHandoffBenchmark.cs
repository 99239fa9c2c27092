using System.Collections.Concurrent;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using FnPipeline.Benchmarks.Infrastructure;

namespace FnPipeline.Benchmarks.Micro;

/// <summary>
/// Handing idle hot-container slots to callers: take a slot, hold it across one asynchronous step (the call), give it
/// back. <see cref="Slots"/> slots, 1 caller (never waits) or 8 callers (half of them wait for a slot).
/// A bounded <see cref="Channel{T}"/> of idle slots, as the hot pool keeps them, vs a <see cref="SemaphoreSlim"/>
/// guarding a <see cref="ConcurrentStack{T}"/> [Baseline], the usual hand-rolled pool.
/// </summary>
[MicroJob]
[CallsPerSecondColumn]
public class SlotHandoffBenchmark
{
    public const int HandOffsPerBatch = 1024;
    private const int Slots = 4;
    private SemaphoreSlim _semaphore = null!;
    private ConcurrentStack<Slot> _stack = null!;
    private Channel<Slot> _channel = null!;

    [Params(1, 8)]
    public int Callers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _semaphore = new SemaphoreSlim(Slots, Slots);
        _stack = new ConcurrentStack<Slot>();
        _channel = Channel.CreateBounded<Slot>(new BoundedChannelOptions(Slots)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        for (var i = 0; i < Slots; i++)
        {
            _stack.Push(new Slot(i));
            _channel.Writer.TryWrite(new Slot(i));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _semaphore.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = HandOffsPerBatch, Description = "SemaphoreSlim + ConcurrentStack")]
    public Task SemaphoreAndStack() => RunCallersAsync(async () =>
    {
        await _semaphore.WaitAsync();
        _stack.TryPop(out var slot);
        await slot!.UseAsync();
        _stack.Push(slot);
        _semaphore.Release();
    });

    [Benchmark(OperationsPerInvoke = HandOffsPerBatch, Description = "bounded Channel of idle slots")]
    public Task BoundedChannel() => RunCallersAsync(async () =>
    {
        var reader = _channel.Reader;
        if (!reader.TryRead(out var slot))
        {
            slot = await reader.ReadAsync();
        }

        await slot.UseAsync();
        _channel.Writer.TryWrite(slot);
    });

    private Task RunCallersAsync(Func<Task> handOff)
    {
        var callers = new Task[Callers];
        for (var i = 0; i < callers.Length; i++)
        {
            callers[i] = Task.Run(() => Loop(handOff, HandOffsPerBatch / Callers));
        }

        return Task.WhenAll(callers);

        static async Task Loop(Func<Task> handOff, int count)
        {
            for (var i = 0; i < count; i++)
            {
                await handOff();
            }
        }
    }

    private sealed class Slot(int id)
    {
        public int Id { get; } = id;

        /// <summary>The call: one asynchronous step while the slot is held.</summary>
        public async Task UseAsync() => await Task.Yield();
    }
}
