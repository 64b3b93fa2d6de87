using System.Net;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.Clinicians;

/// <summary>Submits our hand-made completed responses for a fresh patient through the real FHIR API.</summary>
internal sealed class PatientSubmissions(HttpClient client, string? patient = null)
{
    public string Patient { get; } = patient ?? "Patient/p-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Submits the named form's completed response, as the patient wrote it, after <paramref name="change"/>.</summary>
    public async Task<QuestionnaireResponse> SubmitAsync(string form, DateTimeOffset authored, Action<QuestionnaireResponse>? change = null, string? author = null)
    {
        var response = FhirJson.CompletedResponse(form);
        response.Subject = new ResourceReference(Patient);
        response.Source = new ResourceReference(Patient);
        response.Author = new ResourceReference(author ?? Patient);
        response.AuthoredElement = new FhirDateTime(authored);
        if (author is null)
        {
            var respondent = response.Item.FirstOrDefault(i => i.LinkId == "respondent");
            if (respondent is not null)
            {
                respondent.Answer = [new QuestionnaireResponse.AnswerComponent { Value = new Coding("http://patientvoice.example.org/fhir/CodeSystem/pv-respondent", "self", "Me") }];
            }
        }

        change?.Invoke(response);
        await WaitUntilReadyAsync();
        var posted = await client.PostAsync("QuestionnaireResponse", FhirJson.Content(response));
        Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        return await FhirJson.ReadAsync<QuestionnaireResponse>(posted);
    }

    // Submissions wait for the validator to warm up; on a busy machine that can outlast HttpClient's timeout.
    private async Task WaitUntilReadyAsync()
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(5); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            using var ready = await client.GetAsync(new Uri(client.BaseAddress!, "../health/ready"));
            if (ready.IsSuccessStatusCode)
            {
                return;
            }
        }
    }

    public static QuestionnaireResponse.ItemComponent Item(QuestionnaireResponse response, string linkId) =>
        response.Item.Single(i => i.LinkId == linkId);

    public static void Answer(QuestionnaireResponse response, string linkId, params string[] answers) =>
        Item(response, linkId).Answer = answers.Select(a => new QuestionnaireResponse.AnswerComponent { Value = new FhirString(a) }).ToList();
}
