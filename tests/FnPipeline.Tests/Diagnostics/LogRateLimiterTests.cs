using FnPipeline.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace FnPipeline.Tests.Diagnostics;

public sealed class LogRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Burst_PassesWhole_ThenLinesAreDroppedAndCounted()
    {
        var sut = new LogRateLimiter(_time, linesPerSecond: 10, burst: 5);

        var passed = Enumerable.Range(0, 8).Count(i => sut.TryAcquire(out _));

        passed.ShouldBe(5);
        sut.TakeDropped().ShouldBe(3);
        sut.TakeDropped().ShouldBe(0);
    }

    [Fact]
    public void WhenTheLimitLifts_TheFirstLineCarriesTheDropCount()
    {
        var sut = new LogRateLimiter(_time, linesPerSecond: 10, burst: 2);
        sut.TryAcquire(out _).ShouldBeTrue();
        sut.TryAcquire(out _).ShouldBeTrue();
        for (var i = 0; i < 7; i++)
        {
            sut.TryAcquire(out _).ShouldBeFalse();
        }

        _time.Advance(TimeSpan.FromMilliseconds(99));
        sut.TryAcquire(out var stillLimited).ShouldBeFalse();
        stillLimited.ShouldBe(0);

        _time.Advance(TimeSpan.FromMilliseconds(50));
        sut.TryAcquire(out var droppedBefore).ShouldBeTrue();
        droppedBefore.ShouldBe(8);

        // Reported once: the next line that passes carries no count.
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.TryAcquire(out var again).ShouldBeTrue();
        again.ShouldBe(0);
    }

    [Fact]
    public void Refill_IsCappedAtTheBurst()
    {
        var sut = new LogRateLimiter(_time, linesPerSecond: 100, burst: 3);

        _time.Advance(TimeSpan.FromMinutes(5));
        var passed = Enumerable.Range(0, 10).Count(i => sut.TryAcquire(out _));

        passed.ShouldBe(3);
        sut.TakeDropped().ShouldBe(7);
    }

    [Fact]
    public void SteadyRate_PassesLinesPerSecond()
    {
        var sut = new LogRateLimiter(_time, linesPerSecond: 50, burst: 1);
        var passed = 0;
        long reported = 0;
        for (var i = 0; i < 1000; i++)
        {
            // 1000 lines over 10 s: 50 per second pass, the rest are counted and reported with the next line passed.
            _time.Advance(TimeSpan.FromMilliseconds(10));
            if (sut.TryAcquire(out var droppedBefore))
            {
                passed++;
                reported += droppedBefore;
            }
        }

        passed.ShouldBe(500);
        (reported + sut.TakeDropped()).ShouldBe(500);
    }
}
