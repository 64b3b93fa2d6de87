using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Application.Invitations;
using PatientVoice.Fhir.Errors;
using PatientVoice.Smart.Scopes;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Web.Invitations;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.FhirApi.Operations;

/// <summary>
/// One-time links through the API (docs/adr/0029), for an integrator holding a <c>system/</c> scope on Task:
/// <c>POST /fhir/Patient/{id}/$invite</c> (Parameters: <c>visitDate</c> date, <c>clinic</c> string, <c>language</c> code
/// en|es, <c>check</c> code birth-date|none, <c>birthDate</c> date, <c>questionnaire</c> canonical) answers Parameters
/// with <c>url</c>, <c>invitation</c> (the Task), <c>expires</c> and <c>message</c> (the text to send);
/// <c>POST /fhir/Task/{id}/$revoke-invitation</c> revokes a link and answers the Task.
/// </summary>
public static class InviteOperation
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapPost("/Patient/{patient}/$invite", InviteAsync).WithName("invite").WithSummary("Create a one-time link to the pre-visit questionnaire for this patient and visit");
        fhir.MapPost("/Task/{id}/$revoke-invitation", RevokeAsync).WithName("invite-revoke").WithSummary("Revoke a one-time link");
    }

    private static async Task<IResult> InviteAsync(string patient, HttpRequest request, FhirRequestBody body, Application.Invitations.Invitations invitations, InvitationLinks links, CancellationToken cancellationToken)
    {
        RequireSystem(request.HttpContext, SmartInteractions.Create);
        var parameters = await body.ReadAsync(request, cancellationToken) as Parameters
            ?? throw new BadRequestException("$invite takes a Parameters resource.", "resourceType");
        var visit = DateOf(parameters, "visitDate") ?? throw new BadRequestException("$invite needs 'visitDate' (a date).", "visitDate");
        var check = Text(parameters, "check") switch
        {
            null or "birth-date" => InvitationCheck.BirthDate,
            "none" => InvitationCheck.None,
            var other => throw new BadRequestException($"'check' is birth-date or none, not '{other}'.", "check"),
        };
        var created = await invitations.CreateAsync(
            new InvitationRequest("Patient/" + patient, visit, Text(parameters, "clinic") ?? "", Text(parameters, "language") ?? "en", check, DateOf(parameters, "birthDate"), Text(parameters, "questionnaire")),
            cancellationToken);
        var url = links.UrlOf(request, created.Token);
        var output = new Parameters();
        output.Add("url", new FhirUri(url.AbsoluteUri));
        output.Add("invitation", new ResourceReference("Task/" + created.Invitation.Id));
        output.Add("expires", new Instant(created.Invitation.Expires));
        output.Add("message", new FhirString(InvitationLinks.MessageOf(created.Invitation, url)));
        return FhirResult.Of(StatusCodes.Status200OK, output);
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext http, Application.Invitations.Invitations invitations, CancellationToken cancellationToken)
    {
        RequireSystem(http, SmartInteractions.Update);
        _ = await invitations.RevokeAsync(id, cancellationToken) ?? throw new ResourceNotFoundException($"No invitation Task/{id}.");
        var task = await invitations.ReadTaskAsync(id, cancellationToken);
        return FhirResult.Of(StatusCodes.Status200OK, task!);
    }

    // Links are the clinic's to hand out: a system/ scope (a backend integration), never a patient's or a user's token.
    private static void RequireSystem(HttpContext http, SmartInteractions letters)
    {
        var grant = FhirAccessGrant.Get(http) ?? throw new AuthenticationRequiredException("This operation needs a bearer access token.");
        if (!grant.Scopes.ContextsPermitting("Task", letters).Contains(SmartScopeContext.System))
        {
            throw new AccessDeniedException($"One-time links are created and revoked with a system/ scope on Task ('{FhirInteractionRule.Text(letters)}'); granted: {grant.Scopes}.");
        }
    }

    private static string? Text(Parameters parameters, string name)
        => parameters.Parameter.FirstOrDefault(p => p.Name == name)?.Value is PrimitiveType primitive ? primitive.ToString() : null;

    private static DateOnly? DateOf(Parameters parameters, string name)
    {
        var text = Text(parameters, name);
        if (text is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new BadRequestException($"'{name}' must be a full date (YYYY-MM-DD).", name);
    }
}
