using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>Every log line the server writes while this is alive ("{event id} {category}: {message}"), exceptions included.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private volatile bool _open = true;

    public CapturedLogs(ILoggerFactory factory) => factory.AddProvider(this);

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() => _open = false;

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => owner._open;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (owner._open)
            {
                owner._lines.Enqueue($"{eventId.Id} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
