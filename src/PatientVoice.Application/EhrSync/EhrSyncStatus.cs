namespace PatientVoice.Application.EhrSync;

/// <summary>
/// A submission's write-back as the patient pages show it: <see cref="State"/>, a sentence for the patient, and, for
/// staff, the reason. <see cref="PatientMessage"/> says nothing technical.
/// </summary>
public sealed record EhrSyncStatus(DeliveryState State, string? Reason, DateTimeOffset? UpdatedAt, string TaskId)
{
    public string PatientMessage => State switch
    {
        DeliveryState.Delivered => "Sent to your care team's record.",
        DeliveryState.Failed => "We could not send this to your care team's record. Your care team can still read it in PatientVoice, and the clinic's support staff have been told.",
        _ => "Waiting to be sent to your care team's record. We will keep trying; you do not need to do anything.",
    };
}
