using Microsoft.Extensions.Options;
using PatientVoice.Application.Invitations;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Invitations;

/// <summary>The short URL of a new invitation (<c>{app}/i/{token}</c>) and the message a clinic sends with it.</summary>
public sealed class InvitationLinks(IOptions<SmartLaunchOptions> options)
{
    public const string PathPrefix = "/i/";

    public Uri UrlOf(HttpRequest request, string token)
    {
        ArgumentNullException.ThrowIfNull(request);
        var configured = options.Value.AppBaseUrl;
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : configured;
        return new Uri(baseUrl.TrimEnd('/') + PathPrefix + token);
    }

    /// <summary>The text to send by SMS or email, in the invitation's language.</summary>
    public static string MessageOf(Invitation invitation, Uri url)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        ArgumentNullException.ThrowIfNull(url);
        return InvitationText.For(invitation.Language).MessageFor(invitation.Clinic, invitation.VisitDate, url.AbsoluteUri);
    }
}
