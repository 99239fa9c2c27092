using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FnPipeline.IntegrationTests.Infrastructure;

/// <summary>Keeps every log entry (all levels) so engine tests can assert on what the executor logged.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(int EventId, string Message)> Entries { get; } = new();

    /// <summary>The same entries with their category and level.</summary>
    public ConcurrentQueue<(string Category, LogLevel Level, int EventId, string Message)> Records { get; } = new();

    public bool Any(int eventId, string contains) =>
        Entries.Any(e => e.EventId == eventId && e.Message.Contains(contains, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            owner.Entries.Enqueue((eventId.Id, message));
            owner.Records.Enqueue((category, logLevel, eventId.Id, message));
        }
    }
}
