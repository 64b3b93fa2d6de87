using System.Security.Cryptography;
using System.Text;

namespace PatientVoice.Sandbox.Subscriber;

/// <summary>One questionnaire completed in PatientVoice, as its notification (and a read of the response) told this EHR.</summary>
public sealed record CompletedQuestionnaire(long EventNumber, string Response, string Title, DateTimeOffset? Authored, DateTimeOffset Received);

/// <summary>
/// What PatientVoice's notifications told this EHR, per patient, and the secret PatientVoice sends with each one (the
/// subscription's channel header). Kept in memory: the sandbox's charts are a demonstration, and a restart subscribes
/// again with a new secret.
/// </summary>
public sealed class PatientVoiceActivity
{
    private const int KeptPerPatient = 50;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<CompletedQuestionnaire>> _completed = new(StringComparer.Ordinal);
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    /// <summary>The Authorization header PatientVoice is asked to send with every notification.</summary>
    public string AuthorizationHeader => "Bearer " + Convert.ToBase64String(_secret).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The subscription at PatientVoice, once made.</summary>
    public string? SubscriptionId { get; set; }

    /// <summary>When PatientVoice last reached this EHR (handshake, heartbeat or event).</summary>
    public DateTimeOffset? LastHeard { get; private set; }

    public bool IsFromPatientVoice(string? authorization)
        => authorization is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(authorization), Encoding.ASCII.GetBytes(AuthorizationHeader));

    public void Heard(DateTimeOffset at)
    {
        lock (_gate)
        {
            LastHeard = at;
        }
    }

    /// <summary>Records a completed questionnaire; an event number already recorded (delivery is at least once) is ignored.</summary>
    public void Record(string patientId, CompletedQuestionnaire completed)
    {
        lock (_gate)
        {
            LastHeard = completed.Received;
            if (!_completed.TryGetValue(patientId, out var list))
            {
                _completed[patientId] = list = [];
            }

            if (list.Any(c => c.EventNumber == completed.EventNumber))
            {
                return;
            }

            list.Insert(0, completed);
            if (list.Count > KeptPerPatient)
            {
                list.RemoveRange(KeptPerPatient, list.Count - KeptPerPatient);
            }
        }
    }

    /// <summary>The patient's completed questionnaires, newest first.</summary>
    public IReadOnlyList<CompletedQuestionnaire> For(string patientId)
    {
        lock (_gate)
        {
            return _completed.TryGetValue(patientId, out var list) ? [.. list] : [];
        }
    }
}
