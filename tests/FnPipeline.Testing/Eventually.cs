using System.Runtime.CompilerServices;

namespace FnPipeline.Testing;

/// <summary>
/// Waits for state that changes after the caller has its answer (cleanup, idle timers, background removals, engine
/// state): such state is awaited with a generous deadline, never read at once and never waited for with a sleep.
/// </summary>
public static class Eventually
{
    /// <summary>The deadline of <see cref="HoldsAsync(Func{bool}, string)"/>: generous, a loaded CI machine is slow, not broken.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls (real time, every 10 ms) until <paramref name="condition"/> holds, failing after 10 s with what it waited for.</summary>
    public static Task HoldsAsync(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string what = "") =>
        HoldsAsync(() => Task.FromResult(condition()), DefaultTimeout, TimeSpan.FromMilliseconds(10), what);

    /// <summary>Polls <paramref name="condition"/> (an engine query) until it holds, failing after <paramref name="timeout"/>.</summary>
    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, [CallerArgumentExpression(nameof(condition))] string what = "") =>
        HoldsAsync(condition, timeout, TimeSpan.FromMilliseconds(100), what);

    /// <summary>Polls (real time, every 10 ms) until <paramref name="condition"/> holds, failing after <paramref name="timeout"/>.</summary>
    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, [CallerArgumentExpression(nameof(condition))] string what = "") =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, TimeSpan.FromMilliseconds(10), () => what);

    /// <summary>
    /// Polls <paramref name="condition"/> (an engine query) until it holds, failing after <paramref name="timeout"/> with
    /// <paramref name="describe"/>, computed at the failure (what the test saw by then: a log so far, a count).
    /// </summary>
    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe) =>
        HoldsAsync(condition, timeout, TimeSpan.FromMilliseconds(100), describe);

    /// <summary>Polls <paramref name="probe"/> until it finds a value and returns it, failing after <paramref name="timeout"/>.</summary>
    public static async Task<T> FoundAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> describe)
        where T : class
    {
        T? found = null;
        await HoldsAsync(async () => (found = await probe()) is not null, timeout, describe);
        return found!;
    }

    private static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan interval, string what) =>
        HoldsAsync(condition, timeout, interval, () => what);

    private static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan interval, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting until {describe()}");
            }

            // The poll's period, not a wait for anything: the condition is read again until it holds or the deadline passes.
            await Task.Delay(interval);
        }
    }
}
