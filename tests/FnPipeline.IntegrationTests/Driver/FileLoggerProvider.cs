using Microsoft.Extensions.Logging;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>Appends driver logs to a file when FNPIPELINE_DRIVER_TEST_LOG names one (for diagnosing engine-side flakes).</summary>
internal sealed class FileLoggerProvider(string path) : ILoggerFactory, ILogger
{
    private static readonly Lock Gate = new();

    public static ILoggerFactory? FromEnvironment() =>
        Environment.GetEnvironmentVariable("FNPIPELINE_DRIVER_TEST_LOG") is { Length: > 0 } path
            ? new FileLoggerProvider(path)
            : null;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {eventId.Name}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}{Environment.NewLine}";
        lock (Gate)
        {
            File.AppendAllText(path, line);
        }
    }

    public void Dispose()
    {
    }
}
