using System.Globalization;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Sandbox.Subscriber;

namespace PatientVoice.Sandbox.Messages;

/// <summary>PatientVoice refused to make the link (its OperationOutcome's words), or could not be reached.</summary>
public sealed class InvitationRefusedException(string message) : Exception(message);

/// <summary>What <c>$invite</c> answered.</summary>
public sealed record CreatedLink(Uri Url, string Invitation, DateTimeOffset Expires, string Message);

/// <summary>
/// This EHR asking PatientVoice for a one-time link (docs/adr/0029), as a clinic's system would: <c>POST
/// {PatientVoice}/fhir/Patient/{id}/$invite</c> with its own Backend Services token (<see cref="PatientVoiceApi"/>,
/// <c>system/Task.c</c>). The date of birth for the check comes from this EHR's record, never typed.
/// </summary>
public sealed class PatientVoiceInvitations(PatientVoiceApi api)
{
    public async Task<CreatedLink> InviteAsync(string patientId, DateOnly visitDate, string clinic, string language, string check, string? birthDate, CancellationToken cancellationToken)
    {
        var parameters = new Parameters();
        parameters.Add("visitDate", new Date(visitDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        parameters.Add("clinic", new FhirString(clinic));
        parameters.Add("language", new Code(language));
        parameters.Add("check", new Code(check));
        if (birthDate is not null)
        {
            parameters.Add("birthDate", new Date(birthDate));
        }

        HttpResponseMessage response;
        try
        {
            using var content = new StringContent(FhirSerializer.ToJson(parameters), Encoding.UTF8, "application/fhir+json");
            response = await api.SendAsync(HttpMethod.Post, $"{api.FhirBase}/Patient/{Uri.EscapeDataString(patientId)}/$invite", content, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SubscriberTokenException)
        {
            throw new InvitationRefusedException($"PatientVoice could not be reached ({e.GetType().Name}).");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var resource = Parse(body);
            if (!response.IsSuccessStatusCode || resource is not Parameters answer)
            {
                var why = resource is OperationOutcome outcome
                    ? string.Join(" ", outcome.Issue.Select(i => i.Diagnostics).Where(d => !string.IsNullOrEmpty(d)))
                    : $"HTTP {(int)response.StatusCode}";
                throw new InvitationRefusedException($"PatientVoice did not make the link: {why}");
            }

            if (Value<FhirUri>(answer, "url")?.Value is not { } url || Value<FhirString>(answer, "message")?.Value is not { } message)
            {
                throw new InvitationRefusedException("PatientVoice's answer has no url or message.");
            }

            return new CreatedLink(
                new Uri(url),
                Value<ResourceReference>(answer, "invitation")?.Reference ?? "",
                Value<Instant>(answer, "expires")?.Value ?? DateTimeOffset.MinValue,
                message);
        }
    }

    private static T? Value<T>(Parameters parameters, string name) where T : DataType
        => parameters.Parameter.FirstOrDefault(p => p.Name == name)?.Value as T;

    private static Resource? Parse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<Resource>(body, FhirSerializer.JsonOptions);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return null;
        }
    }
}
