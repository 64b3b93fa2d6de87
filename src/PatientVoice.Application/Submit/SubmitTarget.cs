namespace PatientVoice.Application.Submit;

/// <summary>How a client asked to store a submitted response: the FHIR interaction, whatever the door it came through.</summary>
public abstract record SubmitTarget
{
    private SubmitTarget()
    {
    }

    /// <summary><c>POST</c>: the server names the response; with <paramref name="IfNoneExist"/> a conditional create.</summary>
    public sealed record Create(string? IfNoneExist = null) : SubmitTarget;

    /// <summary><c>PUT Type/id</c>, a new version of <paramref name="Id"/> (or its first, with the client's id).</summary>
    public sealed record Update(string Id, int? IfMatch = null) : SubmitTarget;

    /// <summary><c>PUT Type?criteria</c>: the one response the criteria select, or a new one when none does.</summary>
    public sealed record ConditionalUpdate(IReadOnlyList<KeyValuePair<string, string>> Criteria, int? IfMatch = null) : SubmitTarget;
}
