using System.Runtime.CompilerServices;

namespace FnPipeline.Tests.Fakes;

/// <summary>
/// Waits for state the executor changes after the caller has its answer (cleanup, idle timers, background removals):
/// such state is awaited, never read at once.
/// </summary>
internal static class Eventually
{
    /// <summary>Polls (real time) until <paramref name="condition"/> holds, failing after 10 s with what it waited for.</summary>
    public static async Task HoldsAsync(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string what = "")
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"timed out waiting until {what}");
            }

            await Task.Delay(10);
        }
    }
}
