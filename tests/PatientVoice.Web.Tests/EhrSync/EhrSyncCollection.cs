namespace PatientVoice.Web.Tests.EhrSync;

/// <summary>The write-back tests run one class at a time: each starts a sandbox EHR and a PatientVoice process of its own.</summary>
[CollectionDefinition(Name)]
public sealed class EhrSyncCollection
{
    public const string Name = "EhrSync";
}
