namespace PatientVoice.Smart.Scopes;

/// <summary>The SMART v2 permission letters <c>c r u d s</c> (v1 <c>read</c> is <c>rs</c>, <c>write</c> is <c>cud</c>, <c>*</c> is all five).</summary>
[Flags]
public enum SmartInteractions
{
    None = 0,
    Create = 1,
    Read = 2,
    Update = 4,
    Delete = 8,
    Search = 16,
    All = Create | Read | Update | Delete | Search,
}
