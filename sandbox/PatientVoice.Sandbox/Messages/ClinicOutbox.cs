namespace PatientVoice.Sandbox.Messages;

/// <summary>
/// A message the clinic's own messaging would send (SMS or email): the text PatientVoice's <c>$invite</c> answered,
/// with its one-time link. The sandbox sends nothing; it shows it.
/// </summary>
/// <param name="Staff">The sandbox user who asked for the link (the EHR knows; PatientVoice got a system client's request).</param>
/// <param name="Invitation">The invitation's Task at PatientVoice (<c>Task/{id}</c>).</param>
public sealed record ClinicMessage(
    string PatientId,
    string PatientName,
    string Staff,
    string Language,
    DateOnly VisitDate,
    string Check,
    string Text,
    Uri Link,
    string Invitation,
    DateTimeOffset Expires,
    DateTimeOffset Created);

/// <summary>
/// The sandbox's outbox of messages it would have sent, per patient, newest first, in memory only (a restart empties
/// it): the message carries a live link, so it is kept no longer than the process, like an SMS gateway's queue.
/// </summary>
public sealed class ClinicOutbox
{
    private const int KeptPerPatient = 20;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ClinicMessage>> _messages = new(StringComparer.Ordinal);

    public void Add(ClinicMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            if (!_messages.TryGetValue(message.PatientId, out var list))
            {
                _messages[message.PatientId] = list = [];
            }

            list.Insert(0, message);
            if (list.Count > KeptPerPatient)
            {
                list.RemoveRange(KeptPerPatient, list.Count - KeptPerPatient);
            }
        }
    }

    /// <summary>The patient's messages, newest first.</summary>
    public IReadOnlyList<ClinicMessage> For(string patientId)
    {
        lock (_gate)
        {
            return _messages.TryGetValue(patientId, out var list) ? [.. list] : [];
        }
    }

    /// <summary>Every patient's messages, newest first.</summary>
    public IReadOnlyList<ClinicMessage> All()
    {
        lock (_gate)
        {
            return [.. _messages.Values.SelectMany(m => m).OrderByDescending(m => m.Created)];
        }
    }
}
