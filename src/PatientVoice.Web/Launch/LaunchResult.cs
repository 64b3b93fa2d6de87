namespace PatientVoice.Web.Launch;

/// <summary>What a launch step ends in: a redirect (to the EHR, or into PatientVoice), or a failure page.</summary>
public sealed record LaunchResult
{
    private LaunchResult()
    {
    }

    public string? RedirectTo { get; private init; }

    public LaunchFailure? Failure { get; private init; }

    public static LaunchResult Redirect(string location) => new() { RedirectTo = location };

    public static LaunchResult Fail(LaunchFailure failure) => new() { Failure = failure };
}
