using Microsoft.Extensions.Logging;

namespace FnPipeline.Fleet.Tests.Infrastructure;

/// <summary>A logger provider that signals once a log message of <paramref name="eventName"/> mentioning <paramref name="text"/> was written.</summary>
internal sealed class LogSignal(string eventName, string text) : ILoggerProvider
{
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string EventName => eventName;

    private string Text => text;

    /// <summary>Completes when the message was logged (fails after <paramref name="timeout"/>, naming what was awaited).</summary>
    public async Task WaitAsync(TimeSpan timeout)
    {
        try
        {
            await _seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no {eventName} log mentioning '{text}' within {timeout}");
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogSignal signal) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == signal.EventName && formatter(state, exception).Contains(signal.Text, StringComparison.Ordinal))
            {
                signal._seen.TrySetResult();
            }
        }
    }
}
