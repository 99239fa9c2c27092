using Microsoft.Extensions.Options;
using Shouldly;
using Xunit;

namespace FnPipeline.Tests.Configuration;

public sealed class FnPipelineOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        new FnPipelineOptionsValidator().Validate(null, new FnPipelineOptions()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Validate_TimesOverTheTimersLimit_AreRefusedAtStartUp()
    {
        var options = new FnPipelineOptions { DefaultTimeout = TimeSpan.FromDays(50), DrainTimeout = TimeSpan.FromDays(60) };
        options.Hot.IdleTimeout = TimeSpan.FromDays(100);

        var result = new FnPipelineOptionsValidator().Validate(null, options);

        result.Failures.ShouldBe(
        [
            "DefaultTimeout must be at most 49 days (the executor's timers stop at 49.7 days), got 50 days",
            "DrainTimeout must be at most 49 days (the executor's timers stop at 49.7 days), got 60 days",
            "Hot.IdleTimeout must be at most 49 days (the executor's timers stop at 49.7 days), got 100 days",
        ]);
    }

    [Fact]
    public void Validate_InvalidOptions_ReportsEveryProblem()
    {
        var options = new FnPipelineOptions { MaxContainers = 0, DefaultTimeout = TimeSpan.Zero, MinimumDockerVersion = "new" };
        options.Hot.MaxContainersPerFunction = 100;
        options.Hot.MaxContainers = 10;
        options.Hot.PauseAfter = TimeSpan.FromMinutes(5);
        options.Hot.SocketBaseDirectory = "/does/not/exist";
        options.Ulimits.OpenFiles = 0;
        options.StatsDelay = TimeSpan.FromSeconds(-2);

        var result = new FnPipelineOptionsValidator().Validate(null, options);

        result.Failures.ShouldBe(
        [
            "The field MaxContainers must be between 1 and 10000.",
            "The field Ulimits.OpenFiles must be at least 1.",
            "DefaultTimeout must be positive, got 00:00:00",
            "StatsDelay must be zero or more (or infinite: no stats), got -00:00:02",
            "Hot.PauseAfter (00:05:00) must be between zero and Hot.IdleTimeout (00:00:30)",
            "Hot.MaxContainersPerFunction (100) must not exceed Hot.MaxContainers (10)",
            "MinimumDockerVersion 'new' is not a version like 20.10.0",
        ]);
    }

    [Fact]
    public void Validate_HotScalingOutOfRange_NamesTheOptionsAndTheLimits()
    {
        var options = new FnPipelineOptions();
        options.Hot.MaxContainersPerFunction = 0;
        options.Hot.MaxConcurrentStarts = 0;

        var result = new FnPipelineOptionsValidator().Validate(null, options);

        result.Failures.ShouldBe(
        [
            "The field Hot.MaxContainersPerFunction must be between 1 and 10000.",
            "The field Hot.MaxConcurrentStarts must be between 1 and 1024.",
        ]);
        options.Hot.MaxContainersPerFunction = null;
        options.Hot.MaxConcurrentStarts = null;
        new FnPipelineOptionsValidator().Validate(null, options).Succeeded.ShouldBeTrue("null: derived from the machine");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3_600_001)]
    public void Validate_RemovalDrainTimeoutOutOfRange_NamesTheOptionAndTheLimit(int milliseconds)
    {
        var options = new FnPipelineOptions { RemovalDrainTimeout = TimeSpan.FromMilliseconds(milliseconds) };

        var result = new FnPipelineOptionsValidator().Validate(null, options);

        result.Failures.ShouldHaveSingleItem().ShouldBe($"RemovalDrainTimeout must be between 0 and 1 h, got {options.RemovalDrainTimeout}");
    }

    [Fact]
    public void Validate_RemovalDrainTimeoutZero_IsOneAttemptEach()
    {
        new FnPipelineOptionsValidator().Validate(null, new FnPipelineOptions { RemovalDrainTimeout = TimeSpan.Zero }).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData(0, "StartTimeout must be positive, got 00:00:00")]
    [InlineData(-1000, "StartTimeout must be positive, got -00:00:01")]
    [InlineData(50L * 24 * 3600 * 1000, "StartTimeout must be at most 49 days (the executor's timers stop at 49.7 days), got 50 days")]
    public void Validate_StartTimeoutOutOfRange_NamesTheOptionAndTheLimit(long milliseconds, string problem)
    {
        var options = new FnPipelineOptions { StartTimeout = TimeSpan.FromMilliseconds(milliseconds) };

        var result = new FnPipelineOptionsValidator().Validate(null, options);

        result.Failures.ShouldBe([problem]);
    }

    [Fact]
    public void Validate_SocketBaseTooLong_NamesTheDirectory()
    {
        var dir = Directory.CreateTempSubdirectory(new string('d', 90));
        try
        {
            var options = new FnPipelineOptions();
            options.Hot.SocketBaseDirectory = dir.FullName;

            var result = new FnPipelineOptionsValidator().Validate(null, options);

            result.Failures.ShouldHaveSingleItem().ShouldStartWith($"Hot.SocketBaseDirectory '{dir.FullName}' is too long: socket paths under it take");
        }
        finally
        {
            dir.Delete();
        }
    }

    [Fact]
    public void ExecutorCreation_InvalidOptions_ThrowsOptionsValidationException()
    {
        var options = new FnPipelineOptions { MaxQueuedCalls = 0 };

        var ex = Should.Throw<OptionsValidationException>(() => new FnExecutor(options, new FakeContainerDriver(), null, null, null));

        ex.Failures.ShouldBe(["The field MaxQueuedCalls must be between 1 and 1000000."]);
    }

    [Fact]
    public void Validate_ReapIntervalNotPositive_NamesTheOption()
    {
        var options = new FnPipelineOptions { ReapInterval = TimeSpan.Zero };

        new FnPipelineOptionsValidator().Validate(null, options).Failures.ShouldBe(["ReapInterval must be positive, got 00:00:00"]);
    }
}
