using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace FnPipeline.Tests.Fakes;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer created (its due time), so a test can advance the clock
/// only once the code under test is actually waiting (a signal, not a sleep), and can read the delays it asked for.
/// </summary>
internal sealed class TimerRecordingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero))
{
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits (up to 10 s of real time) for the next timer created with <paramref name="dueTime"/>, skipping others.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (await _created.Reader.ReadAsync(deadline.Token) != dueTime)
            {
            }
        }
        catch (OperationCanceledException)
        {
            throw new ShouldAssertException($"no timer of {dueTime} was created within 10 s");
        }
    }

    /// <summary>Waits for the next timer other than those of <paramref name="ignored"/>; returns its due time.</summary>
    public async Task<TimeSpan> NextTimerAsync(TimeSpan ignored)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        TimeSpan due;
        try
        {
            while ((due = await _created.Reader.ReadAsync(deadline.Token)) == ignored)
            {
            }
        }
        catch (OperationCanceledException)
        {
            throw new ShouldAssertException("no timer was created within 10 s");
        }

        return due;
    }
}
