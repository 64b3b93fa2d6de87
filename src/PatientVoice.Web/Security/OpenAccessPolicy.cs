namespace PatientVoice.Web.Security;

/// <summary>No authorization configured: every request is allowed (development and the embedded default).</summary>
public sealed class OpenAccessPolicy : IFhirAccessPolicy
{
    public System.Threading.Tasks.ValueTask AuthorizeAsync(FhirAccessRequest access, CancellationToken cancellationToken)
        => System.Threading.Tasks.ValueTask.CompletedTask;
}
