using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using FnPipeline.Benchmarks.Infrastructure;
using FnPipeline.HotPool;

namespace FnPipeline.Benchmarks.Micro;

/// <summary>
/// Handing idle hot containers to callers: take one, hold it across one asynchronous step (the call), give it back.
/// <see cref="Slots"/> idle containers, 1 caller (never waits) or 8 callers (half of them wait). The hot pool's
/// <see cref="FunctionPool"/> (a bounded channel of idle tokens + a LIFO stack of containers) and a plain bounded
/// <see cref="Channel{T}"/> of idle slots vs a <see cref="SemaphoreSlim"/> guarding a <see cref="ConcurrentStack{T}"/>
/// [Baseline], the usual hand-rolled pool.
/// </summary>
[MicroJob]
[CallsPerSecondColumn]
public class SlotHandoffBenchmark
{
    public const int HandOffsPerBatch = 1024;
    private const int Slots = 4;
    private SemaphoreSlim _semaphore = null!;
    private ConcurrentStack<object> _stack = null!;
    private Channel<object> _channel = null!;
    private FunctionPool _pool = null!;

    [Params(1, 8)]
    public int Callers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _semaphore = new SemaphoreSlim(Slots, Slots);
        _stack = new ConcurrentStack<object>();
        _channel = Channel.CreateBounded<object>(new BoundedChannelOptions(Slots)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        _pool = new FunctionPool(default, Slots);
        for (var i = 0; i < Slots; i++)
        {
            _stack.Push(new object());
            _channel.Writer.TryWrite(new object());

            // The pool only stacks container references here: an uninitialised instance stands for a started container.
            _pool.AddIdle((HotContainer)RuntimeHelpers.GetUninitializedObject(typeof(HotContainer)));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _semaphore.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = HandOffsPerBatch)]
    public Task SemaphoreAndStack() => RunCallersAsync(async () =>
    {
        await _semaphore.WaitAsync();
        _stack.TryPop(out var slot);
        await UseAsync();
        _stack.Push(slot!);
        _semaphore.Release();
    });

    [Benchmark(OperationsPerInvoke = HandOffsPerBatch)]
    public Task BoundedChannel() => RunCallersAsync(async () =>
    {
        var reader = _channel.Reader;
        if (!reader.TryRead(out var slot))
        {
            slot = await reader.ReadAsync();
        }

        await UseAsync();
        _channel.Writer.TryWrite(slot);
    });

    [Benchmark(OperationsPerInvoke = HandOffsPerBatch)]
    public Task HotPoolFunctionPool() => RunCallersAsync(async () =>
    {
        if (!_pool.TryTakeIdle(out var container))
        {
            await _pool.ReadIdleTokenAsync(CancellationToken.None);
            container = _pool.PopIdle();
        }

        await UseAsync();
        _pool.AddIdle(container);
    });

    /// <summary>The call: one asynchronous step while the slot is held.</summary>
    private static async Task UseAsync() => await Task.Yield();

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
}
