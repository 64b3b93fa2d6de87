using System.Threading.Channels;

namespace PatientVoice.Web.Security.Audit;

/// <summary>
/// The hand-off between requests and <see cref="AuditEventWriter"/>: a request enqueues its record once its response
/// is sent (no database work before the answer); the writer stores them in batches. Bounded with back-pressure, never
/// dropping: when <see cref="Capacity"/> records wait (a store that cannot keep up), the request's completion waits for
/// room, so a client on that connection slows down instead of an audit record being lost.
/// </summary>
public sealed partial class AuditTrail(ILogger<AuditTrail> logger)
{
    public const int Capacity = 20_000;

    private readonly Channel<AuditRecord> _records = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private int _full;

    internal ChannelReader<AuditRecord> Reader => _records.Reader;

    /// <summary>Enqueues the record; when the backlog is full, completes once there is room for it.</summary>
    public ValueTask RecordAsync(AuditRecord record)
    {
        if (_records.Writer.TryWrite(record))
        {
            return ValueTask.CompletedTask;
        }

        return WaitForRoomAsync(record);
    }

    private async ValueTask WaitForRoomAsync(AuditRecord record)
    {
        if (Interlocked.Exchange(ref _full, 1) == 0)
        {
            LogFull(record.Interaction, record.ResourceType ?? "-");
        }

        await _records.Writer.WriteAsync(record);
        Interlocked.Exchange(ref _full, 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit backlog full ({Capacity} records): requests wait for the audit writer (first waiting: {Interaction} on {ResourceType})")]
    private partial void LogFull(string interaction, string resourceType, int capacity = Capacity);
}
