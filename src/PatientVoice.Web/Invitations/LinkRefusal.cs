using PatientVoice.Application.Invitations;
using PatientVoice.Web.Localization;

namespace PatientVoice.Web.Invitations;

/// <summary>
/// A link refused, as its pages say it (Pages/Invite/_LinkRefusal): in the invitation's language, the other one below,
/// with the status that goes with it (404 unknown, 410 expired, revoked or spent).
/// </summary>
public sealed record LinkRefusal(FailureText Refusal, FailureText Other, string OtherLang, int Status)
{
    /// <summary>The refusal for an invitation that no longer lets its link in (<paramref name="state"/>), in <paramref name="text"/>'s language.</summary>
    public static LinkRefusal For(InvitationState state, InvitationText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var other = text.Lang == "es" ? InvitationText.English : InvitationText.Spanish;
        return state switch
        {
            InvitationState.Submitted => new(text.Used, other.Used, other.Lang, StatusCodes.Status410Gone),
            InvitationState.Expired => new(text.Expired, other.Expired, other.Lang, StatusCodes.Status410Gone),
            _ => new(text.Revoked, other.Revoked, other.Lang, StatusCodes.Status410Gone),
        };
    }
}
