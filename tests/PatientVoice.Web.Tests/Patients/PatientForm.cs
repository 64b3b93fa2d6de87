using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Testing;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>
/// One questionnaire page as its script uses it, for a signed-in <see cref="PatientBrowser"/>: the answers the page
/// opens with and its sealed start, draft saves and sending the reviewed draft. The answers it saves are what
/// LHC-Forms gives back: the items, hidden ones included, without the response's extensions or the items' ids.
/// </summary>
internal sealed class PatientForm(PatientBrowser patient, string formId)
{
    public QuestionnaireResponse Opened { get; private set; } = null!;

    /// <summary>The sealed start the page carries (a test may tamper with it).</summary>
    public string? Start { get; set; }

    public string? DraftId { get; private set; }

    public int? DraftVersion { get; private set; }

    private string _token = "";

    public async Task<PatientForm> OpenAsync()
    {
        var (status, html, _) = await patient.GetAsync($"/patient/questionnaire/{formId}");
        Assert.True(status == HttpStatusCode.OK, $"GET the questionnaire page: {(int)status} {html}");
        _token = Attribute(html, "name=\"__RequestVerificationToken\"[^>]*value") ?? throw new InvalidOperationException("No antiforgery token.");
        Opened = (QuestionnaireResponse)JsonSerializer.Deserialize<Resource>(Attribute(html, "data-response")!, FhirSerializer.JsonOptions)!;
        Start = NullIfEmpty(Attribute(html, "data-start"));
        DraftId = NullIfEmpty(Attribute(html, "data-draft-id"));
        DraftVersion = int.TryParse(Attribute(html, "data-draft-version"), out var version) ? version : null;
        return this;
    }

    /// <summary>Saves <paramref name="answers"/> as the page would (stripped as LHC-Forms strips them); the answer, unread.</summary>
    public async Task<HttpResponseMessage> SaveAsync(QuestionnaireResponse answers)
    {
        var fromBrowser = new QuestionnaireResponse
        {
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Questionnaire = answers.Questionnaire,
            Item = answers.Item.Select(i => (QuestionnaireResponse.ItemComponent)i.DeepCopy()).ToList(),
        };
        Strip(fromBrowser.Item);
        var body = $$"""{"id":{{Json(DraftId)}},"version":{{(DraftVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null")}},"start":{{Json(Start)}},"response":{{FhirSerializer.ToJson(fromBrowser)}}}""";
        var response = await patient.SaveDraftAsync(formId, new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")), _token);
        if (response.IsSuccessStatusCode)
        {
            using var saved = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            DraftId = saved.RootElement.GetProperty("id").GetString();
            DraftVersion = saved.RootElement.GetProperty("version").GetInt32();
        }

        return response;
    }

    /// <summary>Saves <paramref name="answers"/> (must succeed), reviews the draft and sends it; the review page's text and the sent response's id.</summary>
    public async Task<(string ReviewText, string ResponseId)> SubmitAsync(QuestionnaireResponse answers)
    {
        using (var saved = await SaveAsync(answers))
        {
            Assert.True(saved.IsSuccessStatusCode, $"draft: {(int)saved.StatusCode} {await saved.Content.ReadAsStringAsync()}");
        }

        var review = $"/patient/questionnaire/{formId}/review";
        var (_, html, _) = await patient.GetAsync(review);
        var fields = new Dictionary<string, string>
        {
            ["DraftId"] = Attribute(html, "name=\"DraftId\"[^>]*value")!,
            ["DraftVersion"] = Attribute(html, "name=\"DraftVersion\"[^>]*value")!,
        };
        using var sent = await patient.PostFormAsync(review, fields, Attribute(html, "name=\"__RequestVerificationToken\"[^>]*value")!);
        var location = sent.StatusCode == HttpStatusCode.Redirect ? sent.Headers.Location!.OriginalString : null;
        Assert.True(location?.Contains("/sent", StringComparison.Ordinal) == true, $"send: {(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync()}");
        return (WebUtility.HtmlDecode(html), Regex.Match(location!, "response=([^&]+)").Groups[1].Value);
    }

    /// <summary>A new response with one goal group per (words, goal id) pair.</summary>
    public static QuestionnaireResponse Goals(params (string Words, string? GoalId)[] goals) => new()
    {
        Questionnaire = "http://patientvoice.example.org/fhir/Questionnaire/my-goals|0.1.0",
        Item = goals.Select(g => GoalGroup(g.Words, g.GoalId)).ToList(),
    };

    public static QuestionnaireResponse.ItemComponent GoalGroup(string words, string? goalId)
    {
        var group = new QuestionnaireResponse.ItemComponent { LinkId = "goal" };
        group.Item.Add(new() { LinkId = "goal-text", Answer = [new() { Value = new FhirString(words) }] });
        if (goalId is not null)
        {
            group.Item.Add(new() { LinkId = "goal-id", Answer = [new() { Value = new FhirString(goalId) }] });
        }

        return group;
    }

    public static string? Answer(QuestionnaireResponse.ItemComponent group, string linkId)
        => group.Item.FirstOrDefault(i => i.LinkId == linkId)?.Answer.FirstOrDefault()?.Value?.ToString();

    private static void Strip(List<QuestionnaireResponse.ItemComponent> items)
    {
        foreach (var item in items)
        {
            item.ElementId = null;
            item.Extension.Clear();
            Strip(item.Item);
            item.Answer.ForEach(a => Strip(a.Item));
        }
    }

    private static string Json(string? value) => value is null ? "null" : JsonSerializer.Serialize(value);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string? Attribute(string html, string name)
    {
        var match = Regex.Match(html, name + "=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }
}

/// <summary>PatientVoice's FHIR API as an integrator sees it (a test-issuer token for everything).</summary>
internal static class FhirApi
{
    public static HttpClient Client(LaunchFixture fixture)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(fixture.AppUrl, "/fhir/"), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(FhirServerFixture.Audience, TestTokens.AllAccess));
        return client;
    }

    public static async Task<List<T>> SearchAsync<T>(HttpClient client, string query) where T : Resource
        => (await FhirJson.ReadAsync<Bundle>(await client.GetAsync(query))).Entry.Select(e => e.Resource).OfType<T>().ToList();
}
