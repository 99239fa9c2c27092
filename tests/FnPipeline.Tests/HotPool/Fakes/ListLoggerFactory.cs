using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Tests.HotPool.Fakes;

/// <summary>Collects every log entry (all levels) so tests can assert on event ids and messages.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    /// <summary>When set, logging event <see cref="BlockedEvent"/> blocks until the gate opens (a slow log provider).</summary>
    public ManualResetEventSlim? Gate { get; set; }

    public int BlockedEvent { get; set; } = 350;

    public IReadOnlyList<LogEntry> WithEvent(int eventId) => [.. Entries.Where(e => e.EventId == eventId)];

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == owner.BlockedEvent)
            {
                owner.Gate?.Wait();
            }

            owner.Entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception), exception));
        }
    }
}

internal sealed record LogEntry(LogLevel Level, int EventId, string Message, Exception? Exception);
