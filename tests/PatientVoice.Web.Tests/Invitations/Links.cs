using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Testing;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Invitations;

/// <summary>
/// One-time links as a clinic makes them (<c>Patient/{id}/$invite</c> with a <c>system/</c> token) and what the store
/// holds for a patient, counted through the FHIR API, to show that a refused use of a link stored nothing.
/// </summary>
internal static class Links
{
    public static readonly string VisitDate = DateTime.UtcNow.Date.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A new invitation for <paramref name="patient"/>: the link and its Task's id.</summary>
    public static async Task<(Uri Url, string TaskId)> InviteAsync(LaunchFixture fixture, string patient, string language = "en", string check = "none", string? birthDate = null)
    {
        using var clinic = Client(fixture, "system/Task.c");
        var parameters = new List<string>
        {
            $"{{\"name\":\"visitDate\",\"valueDate\":\"{VisitDate}\"}}",
            "{\"name\":\"clinic\",\"valueString\":\"North clinic\"}",
            $"{{\"name\":\"language\",\"valueCode\":\"{language}\"}}",
            $"{{\"name\":\"check\",\"valueCode\":\"{check}\"}}",
        };
        if (birthDate is not null)
        {
            parameters.Add($"{{\"name\":\"birthDate\",\"valueDate\":\"{birthDate}\"}}");
        }

        using var body = new StringContent("{\"resourceType\":\"Parameters\",\"parameter\":[" + string.Join(',', parameters) + "]}", Encoding.UTF8, "application/fhir+json");
        using var response = await clinic.PostAsync($"Patient/{patient}/$invite", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var answer = JsonDocument.Parse(text);
        JsonElement Parameter(string name) => answer.RootElement.GetProperty("parameter").EnumerateArray().First(p => p.GetProperty("name").GetString() == name);
        var task = Parameter("invitation").GetProperty("valueReference").GetProperty("reference").GetString()!;
        return (new Uri(Parameter("url").GetProperty("valueUri").GetString()!), task["Task/".Length..]);
    }

    /// <summary>A client of the FHIR API whose token grants <paramref name="scope"/>.</summary>
    public static HttpClient Client(LaunchFixture fixture, string scope = TestTokens.AllAccess)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(fixture.AppUrl, "/fhir/"), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(FhirServerFixture.Audience, scope));
        return client;
    }

    /// <summary>
    /// What the store holds about <paramref name="patient"/>: responses (all, and submitted), what submissions yield
    /// (goals, observations, notes, provenance) and invitations, with the invitations' current versions.
    /// </summary>
    public static async Task<string> HeldForAsync(LaunchFixture fixture, string patient)
    {
        using var client = Client(fixture);
        var reference = "Patient/" + patient;
        var counts = new List<string>();
        foreach (var query in new[]
        {
            $"QuestionnaireResponse?subject={reference}",
            $"QuestionnaireResponse?subject={reference}&status=completed,amended",
            $"Goal?subject={reference}",
            $"Observation?subject={reference}",
            $"DocumentReference?subject={reference}",
            $"Provenance?agent={reference}",
            $"Task?patient={reference}",
        })
        {
            using var response = await client.GetAsync(query + "&_summary=count");
            response.EnsureSuccessStatusCode();
            using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            counts.Add($"{query}: {bundle.RootElement.GetProperty("total").GetInt32()}");
        }

        var tasks = await SearchAsync<Hl7.Fhir.Model.Task>(client, $"Task?patient={reference}");
        counts.AddRange(tasks.OrderBy(t => t.Id, StringComparer.Ordinal).Select(t => $"Task/{t.Id} v{t.Meta.VersionId} {t.Status}"));
        return string.Join('\n', counts);
    }

    public static async Task<List<T>> SearchAsync<T>(HttpClient client, string query) where T : Resource
        => (await FhirJson.ReadAsync<Bundle>(await client.GetAsync(query + (query.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "_count=200"))).Entry.Select(e => e.Resource).OfType<T>().ToList();
}
