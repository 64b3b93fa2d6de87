using Microsoft.Extensions.Logging.Abstractions;
using PatientVoice.Web.Security.Audit;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// The audit trail never drops a record: when the writer falls behind by a full backlog, the next request waits for
/// room (back-pressure) instead of its record being lost.
/// </summary>
public sealed class AuditBackPressureTests
{
    private static AuditRecord Record(int n) => new(
        DateTimeOffset.UtcNow, "read", "GET", "Goal", n.ToString(System.Globalization.CultureInfo.InvariantCulture), null, 200,
        null, "client", null, null, null, []);

    [Fact]
    public async Task A_record_past_a_full_backlog_waits_for_room_and_is_kept()
    {
        var trail = new AuditTrail(NullLogger<AuditTrail>.Instance);
        for (var i = 0; i < AuditTrail.Capacity; i++)
        {
            Assert.True(trail.RecordAsync(Record(i)).IsCompletedSuccessfully);
        }

        var waiting = trail.RecordAsync(Record(AuditTrail.Capacity)).AsTask();
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        Assert.True(trail.Reader.TryRead(out var first));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        var kept = new List<string?> { first.Id };
        while (trail.Reader.TryRead(out var record))
        {
            kept.Add(record.Id);
        }

        Assert.Equal(AuditTrail.Capacity + 1, kept.Count);
        Assert.Equal(AuditTrail.Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture), kept[^1]);
    }
}
