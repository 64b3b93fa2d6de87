namespace PatientVoice.Smart.Scopes;

/// <summary>Whose data a resource scope reaches: the patient in context, the signed-in user's, or (backend) the whole system.</summary>
public enum SmartScopeContext
{
    Patient,
    User,
    System,
}
