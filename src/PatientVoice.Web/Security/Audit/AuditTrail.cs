using System.Threading.Channels;

namespace PatientVoice.Web.Security.Audit;

/// <summary>
/// The hand-off between requests and <see cref="AuditEventWriter"/>: a request enqueues its record and moves
/// on (no database work on the request path); the writer stores them in batches. Bounded, so a store that
/// cannot keep up is noticed (a warning per dropped record) rather than filling memory.
/// </summary>
public sealed partial class AuditTrail(ILogger<AuditTrail> logger)
{
    public const int Capacity = 20_000;

    private readonly Channel<AuditRecord> _records = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    internal ChannelReader<AuditRecord> Reader => _records.Reader;

    public void Record(AuditRecord record)
    {
        if (!_records.Writer.TryWrite(record))
        {
            LogDropped(record.Interaction, record.ResourceType ?? "-", record.Status);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit backlog full ({Capacity} records): the record of {Interaction} on {ResourceType} ({Status}) was dropped")]
    private partial void LogDropped(string interaction, string resourceType, int status, int capacity = Capacity);
}
