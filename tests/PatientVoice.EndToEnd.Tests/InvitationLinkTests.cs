using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// One-time links (docs/adr/0029): a clinic invites a patient through the API, the patient opens the link on a phone
/// with no portal login, passes the light check and answers through the same form and submission as a launched
/// patient; a link that is guessed, expired, revoked or already used is refused with a plain page and stores nothing.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class InvitationLinkTests(PortalFixture fixture)
{
    private static readonly string VisitDate = DateTime.UtcNow.Date.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_link_sent_in_spanish_opens_on_a_320_pixel_phone_after_the_birth_date_and_its_answers_are_stored_extracted_and_attributed_to_the_patient()
    {
        var (url, taskId) = await InviteAsync("maria-garcia", "es", "birth-date", "1961-03-27");
        Assert.Matches("/i/[A-Za-z0-9_-]{24}$", url);

        // The phone's browser speaks English; the clinic knows María reads Spanish.
        var page = await fixture.NewPageAsync("en-US", width: 320, height: 640);
        var opened = await page.GotoAsync(url);
        Assert.Equal(200, opened!.Status);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Antes de su visita");
        await Assertions.Expect(page.Locator("#pv-visit")).ToContainTextAsync("Clínica del Valle");
        Assert.Empty(await Axe.ViolationsAsync(page, "link check"));
        await Reflow.AssertFitsAsync(page, "link check");

        // A wrong birth date: announced, not let in.
        await page.FillAsync("#pv-day", "28");
        await page.FillAsync("#pv-month", "3");
        await page.FillAsync("#pv-year", "1961");
        await page.ClickAsync("#pv-continue");
        await Assertions.Expect(page.Locator("#pv-problem[role=alert]")).ToContainTextAsync("no coincide");
        Assert.Empty(await Axe.ViolationsAsync(page, "link check with an error"));

        await page.FillAsync("#pv-day", "27");
        await page.ClickAsync("#pv-continue");
        await page.ArriveAsync("**/patient/questionnaire/**");
        await fixture.FormReadyAsync(page);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Reflow.AssertFitsAsync(page, "questionnaire through a link");

        var topic = "Me duelen las rodillas al subir escaleras " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#pv-form textarea[id^='visit-hopes/']").FillAsync(topic);
        await Assertions.Expect(page.Locator("#pv-save-state")).ToContainTextAsync("Guardado", new() { Timeout = 15_000 });
        await page.ClickAsync("#pv-review");
        await page.ArriveAsync("**/review");
        await fixture.SendAsync(page);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Su equipo de atención verá esto antes de su visita");

        var response = (await SearchAsync("QuestionnaireResponse?subject=Patient/maria-garcia&status=completed"))
            .Single(r => r.GetRawText().Contains(topic, StringComparison.Ordinal));
        Assert.Equal("Patient/maria-garcia", response.GetProperty("author").GetProperty("reference").GetString());
        var responseId = response.GetProperty("id").GetString();
        var provenance = Assert.Single(await SearchAsync($"Provenance?entity=QuestionnaireResponse/{responseId}"));
        Assert.Equal("Patient/maria-garcia", provenance.GetProperty("agent")[0].GetProperty("who").GetProperty("reference").GetString());
        // Extracted: the Provenance names what the submission produced beside the response itself.
        Assert.Contains(provenance.GetProperty("target").EnumerateArray(), t => !t.GetProperty("reference").GetString()!.StartsWith("QuestionnaireResponse/", StringComparison.Ordinal));

        var task = await ReadAsync("Task/" + taskId);
        Assert.Equal("completed", task.GetProperty("status").GetString());
        Assert.Equal("QuestionnaireResponse/" + responseId, task.GetProperty("output")[0].GetProperty("valueReference").GetProperty("reference").GetString());
        Assert.DoesNotContain(url.Split('/')[^1], task.GetRawText(), StringComparison.Ordinal);

        // Replayed after the submission: the link, and the session it made, are spent; nothing more is stored.
        var before = (await SearchAsync("QuestionnaireResponse?subject=Patient/maria-garcia")).Count;
        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/before-your-visit").AbsoluteUri);
        Assert.DoesNotContain("/patient/questionnaire/", page.Url, StringComparison.Ordinal);
        var replay = await page.GotoAsync(url);
        Assert.Equal(410, replay!.Status);
        await Assertions.Expect(page.Locator("#pv-link-refused[role=alert] h1")).ToHaveTextAsync("Sus respuestas ya se enviaron");
        Assert.Equal(before, (await SearchAsync("QuestionnaireResponse?subject=Patient/maria-garcia")).Count);
    }

    [Fact]
    public async Task A_guessed_expired_revoked_or_reused_link_is_refused_with_a_plain_page_and_nothing_is_stored()
    {
        var before = (await SearchAsync("QuestionnaireResponse?subject=Patient/robert-chen")).Count;
        var page = await fixture.NewPageAsync("en-US", width: 320, height: 640);

        // Guessed (well formed, unknown) and malformed.
        foreach (var guess in new[] { "AAAAAAAAAAAAAAAAAAAAAAAA", "not-a-token", "%27%20OR%201%3D1--" })
        {
            var guessed = await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/i/" + guess).AbsoluteUri);
            Assert.Equal(404, guessed!.Status);
            await Assertions.Expect(page.Locator("#pv-link-refused[role=alert] h1")).ToHaveTextAsync("This link does not work");
            await Assertions.Expect(page.Locator(".other-language[lang=es]")).ToContainTextAsync("Este enlace no funciona");
        }

        Assert.Empty(await Axe.ViolationsAsync(page, "unknown link"));
        await Reflow.AssertFitsAsync(page, "unknown link");

        // Revoked by the clinic.
        var (revokedUrl, revokedTask) = await InviteAsync("robert-chen", "en", "none", null);
        using (var client = Client())
        {
            using var revoked = await client.PostAsync($"Task/{revokedTask}/$revoke-invitation", null);
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        var refused = await page.GotoAsync(revokedUrl);
        Assert.Equal(410, refused!.Status);
        await Assertions.Expect(page.Locator("#pv-link-refused h1")).ToHaveTextAsync("This link was cancelled");
        Assert.Empty(await Axe.ViolationsAsync(page, "revoked link"));

        // Expired: the visit is over (the stored end of the link moved into the past, as time would).
        var (expiredUrl, expiredTask) = await InviteAsync("robert-chen", "en", "none", null);
        var task = JsonNode.Parse((await ReadAsync("Task/" + expiredTask)).GetRawText())!;
        task["restriction"]!["period"]!["end"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        using (var client = Client())
        {
            using var put = await client.PutAsync("Task/" + expiredTask, new StringContent(task.ToJsonString(), Encoding.UTF8, "application/fhir+json"));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var expired = await page.GotoAsync(expiredUrl);
        Assert.Equal(410, expired!.Status);
        await Assertions.Expect(page.Locator("#pv-link-refused h1")).ToHaveTextAsync("This link has expired");

        Assert.Equal(before, (await SearchAsync("QuestionnaireResponse?subject=Patient/robert-chen")).Count);
        Assert.Equal("requested", (await ReadAsync("Task/" + expiredTask)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_link_session_reaches_only_its_own_form_and_never_another_patients_records_or_the_ehr()
    {
        // A kiosk link (no check) for Robert Chen; his portal history exists, the link must not show it.
        var (url, _) = await InviteAsync("robert-chen", "en", "none", null);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(url);
        await page.ArriveAsync("**/patient/questionnaire/**");
        await fixture.FormReadyAsync(page);
        // The form opens empty: nothing carried forward from answers the link did not write.
        Assert.Equal(0, await page.Locator("#pv-form textarea").EvaluateAllAsync<int>("es => es.filter(e => e.value.length > 0).length"));

        foreach (var path in new[] { "/patient/goals", "/patient/my-copy", "/patient/preferences", "/patient/conditions", "/patient/questionnaire/my-goals" })
        {
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, path).AbsoluteUri);
            Assert.DoesNotContain(path, page.Url, StringComparison.Ordinal);
        }

        // Another patient's response through the link's session: not found, whatever its id.
        var other = (await SearchAsync("QuestionnaireResponse?subject=Patient/maria-garcia")).FirstOrDefault();
        if (other.ValueKind == JsonValueKind.Object)
        {
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, $"/patient/questionnaire/before-your-visit/sent?response={other.GetProperty("id").GetString()}").AbsoluteUri);
            Assert.DoesNotContain("/sent", page.Url, StringComparison.Ordinal);
        }

        // The FHIR API does not take the link's cookie as a credential.
        var api = await page.APIRequest.GetAsync(new Uri(fixture.Stack.AppUrl, "/fhir/QuestionnaireResponse?subject=Patient/robert-chen").AbsoluteUri);
        Assert.Equal(401, api.Status);
    }

    [Fact]
    public async Task Only_a_system_scope_creates_links_and_a_bad_request_stores_nothing()
    {
        using var client = Client();
        using var past = await client.PostAsync("Patient/robert-chen/$invite", Body(new { visitDate = "2020-01-01", clinic = "North clinic", check = "none" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, past.StatusCode);
        Assert.Contains("OperationOutcome", await past.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var noBirthDate = await client.PostAsync("Patient/robert-chen/$invite", Body(new { visitDate = VisitDate, clinic = "North clinic" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noBirthDate.StatusCode);

        using var patientClient = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(fixture.Stack.AppUrl, "/fhir/") };
        patientClient.DefaultRequestHeaders.Authorization = new("Bearer", PatientVoice.Testing.TestTokens.Create(
            new Uri(fixture.Stack.AppUrl, "/fhir").AbsoluteUri, "patient/*.cruds", patient: "robert-chen"));
        using var asPatient = await patientClient.PostAsync("Patient/robert-chen/$invite", Body(new { visitDate = VisitDate, clinic = "North clinic", check = "none" }));
        Assert.Equal(HttpStatusCode.Forbidden, asPatient.StatusCode);
    }

    private async Task<(string Url, string TaskId)> InviteAsync(string patient, string language, string check, string? birthDate)
    {
        using var client = Client();
        var body = birthDate is null
            ? Body(new { visitDate = VisitDate, clinic = "Clínica del Valle", language, check })
            : Body(new { visitDate = VisitDate, clinic = "Clínica del Valle", language, check, birthDate });
        using var response = await client.PostAsync($"Patient/{patient}/$invite", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var parameters = JsonDocument.Parse(text);
        string Value(string name, string type) => parameters.RootElement.GetProperty("parameter").EnumerateArray()
            .First(p => p.GetProperty("name").GetString() == name).GetProperty(type).ToString();
        var url = Value("url", "valueUri");
        Assert.Contains(url, Value("message", "valueString"), StringComparison.Ordinal);
        return (url, JsonDocument.Parse(Value("invitation", "valueReference")).RootElement.GetProperty("reference").GetString()!["Task/".Length..]);
    }

    private static StringContent Body(object values)
    {
        var parameters = new JsonArray();
        foreach (var property in values.GetType().GetProperties())
        {
            var value = property.GetValue(values)?.ToString();
            var type = property.Name switch
            {
                "visitDate" or "birthDate" => "valueDate",
                "language" or "check" => "valueCode",
                _ => "valueString",
            };
            parameters.Add(new JsonObject { ["name"] = property.Name, [type] = value });
        }

        return new StringContent(new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = parameters }.ToJsonString(), Encoding.UTF8, "application/fhir+json");
    }

    private HttpClient Client()
    {
        var client = fixture.Stack.FhirClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }

    private async Task<JsonElement> ReadAsync(string reference)
    {
        using var client = Client();
        using var response = await client.GetAsync(reference);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<IReadOnlyList<JsonElement>> SearchAsync(string query)
    {
        using var client = Client();
        using var response = await client.GetAsync(query + (query.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "_count=200");
        response.EnsureSuccessStatusCode();
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return bundle.RootElement.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Select(e => e.GetProperty("resource").Clone()).ToList()
            : [];
    }
}
