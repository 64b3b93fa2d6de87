using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using PatientVoice.Testing;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// A sandbox EHR and a PatientVoice of their own (nothing else writes to them), and chromium: the uptake report's numbers.
/// </summary>
public sealed class UptakeStackFixture : IAsyncLifetime
{
    private PortalStack? _stack;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public PortalStack Stack => _stack ?? throw new InvalidOperationException("Not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _stack = await PortalStack.StartAsync();
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}

/// <summary>
/// Who is being reached (docs/adr/0031): links created through <c>Patient/$invite</c>, opened at <c>/i/{token}</c>, one
/// answered in Spanish in chromium; answers sent through the API by the patient and by his wife. The clinic page (in
/// English and Spanish, axe under the pages' CSP) and <c>Measure/patientvoice-uptake/$evaluate-measure</c> then show
/// exactly those numbers, race and ethnicity as the sandbox EHR records them, counts from 1 to 10 hidden, and the
/// counts beside them hidden too where a total would give them away.
/// </summary>
public sealed class UptakeReportTests(UptakeStackFixture fixture) : IClassFixture<UptakeStackFixture>
{
    private static readonly string VisitDate = DateTime.UtcNow.Date.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // What the test stores, and so what the report must say (one week; "<11" hidden). Robert Chen: English, Asian, not
    // Hispanic; María García: Spanish, White, Hispanic (sandbox seed data).
    private static readonly Dictionary<(string Measure, string Breakdown), Dictionary<string, string>> Expected = new()
    {
        // 14 + 11 links: no small count, nothing hidden.
        [("invited", "language")] = new() { ["en"] = "14", ["es"] = "11", ["other"] = "0", ["total"] = "25" },
        [("invited", "race")] = new() { ["2028-9"] = "14", ["2106-3"] = "11", ["2054-5"] = "0", ["multiple"] = "0", ["not-recorded"] = "0", ["total"] = "25" },
        [("invited", "ethnicity")] = new() { ["2186-5"] = "14", ["2135-2"] = "11", ["not-recorded"] = "0", ["total"] = "25" },
        // 12 + 1 opened: the 1 is hidden, and the 12 with it (13 − 12 would give the 1 away).
        [("opened", "language")] = new() { ["en"] = "<11", ["es"] = "<11", ["other"] = "0", ["total"] = "13" },
        [("opened", "race")] = new() { ["2028-9"] = "<11", ["2106-3"] = "<11", ["total"] = "13" },
        [("opened", "ethnicity")] = new() { ["2186-5"] = "<11", ["2135-2"] = "<11", ["total"] = "13" },
        // 12 by Robert + 2 by his wife through the API, 1 through María's link.
        [("submitted", "language")] = new() { ["en"] = "<11", ["es"] = "<11", ["other"] = "0", ["total"] = "15" },
        [("submitted", "respondent")] = new() { ["self"] = "<11", ["family"] = "<11", ["staff"] = "0", ["total"] = "15" },
        [("submitted", "channel")] = new() { ["link"] = "<11", ["portal"] = "<11", ["staff"] = "0", ["total"] = "15" },
        [("submitted", "race")] = new() { ["2028-9"] = "<11", ["2106-3"] = "<11", ["1002-5"] = "0", ["total"] = "15" },
        [("submitted", "ethnicity")] = new() { ["2186-5"] = "<11", ["2135-2"] = "<11", ["not-recorded"] = "0", ["total"] = "15" },
    };

    [Fact]
    public async Task The_clinic_page_and_the_measure_report_show_exactly_what_was_stored_with_small_counts_hidden()
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal("0", GroupTotal(await MeasureReportAsync(today), "submitted"));

        // Invitations: 14 in English for Robert Chen, 11 in Spanish for María García (kiosk links: no birth-date check).
        var robert = new List<string>();
        var maria = new List<string>();
        for (var i = 0; i < 14; i++)
        {
            robert.Add(await InviteAsync("robert-chen", "en"));
        }

        for (var i = 0; i < 11; i++)
        {
            maria.Add(await InviteAsync("maria-garcia", "es"));
        }

        // 12 of Robert's links opened (a phone following the link), one of María's opened and answered in chromium.
        using (var phone = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }))
        {
            foreach (var url in robert.Take(12))
            {
                using var opened = await phone.GetAsync(url);
                Assert.True(opened.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"{url}: {(int)opened.StatusCode}");
            }
        }

        var page = await NewPageAsync("es-MX");
        await page.GotoAsync(maria[0]);
        await page.ArriveAsync("**/patient/questionnaire/**");
        await page.WaitForSelectorAsync("#pv-form[data-ready=true]", new() { Timeout = 60_000, State = WaitForSelectorState.Attached });
        await page.Locator("#pv-form textarea[id^='visit-hopes/']").FillAsync("Quiero hablar de mis rodillas");
        await Assertions.Expect(page.Locator("#pv-save-state")).ToContainTextAsync("Guardado", new() { Timeout = 30_000 });
        await page.ClickAsync("#pv-review");
        await page.ArriveAsync("**/review");
        await page.ClickAsync("#pv-send");
        await page.ArriveAsync("**/sent**");
        await page.Context.CloseAsync();

        // Through the API (the portal's door): 12 by Robert himself, 2 by his wife Helen for him.
        for (var i = 0; i < 12; i++)
        {
            await SubmitAsync("Patient/robert-chen", "self");
        }

        for (var i = 0; i < 2; i++)
        {
            await SubmitAsync("RelatedPerson/helen-chen", "family-or-friend");
        }

        // The MeasureReport.
        var report = await MeasureReportAsync(today);
        Assert.Equal("summary", report.GetProperty("type").GetString());
        Assert.False(report.TryGetProperty("extension", out _), "Race and ethnicity were read from the EHR.");
        Assert.Equal("25", GroupTotal(report, "invited"));
        Assert.Equal("13", GroupTotal(report, "opened"));
        Assert.Equal("15", GroupTotal(report, "submitted"));
        foreach (var ((measure, breakdown), cells) in Expected)
        {
            foreach (var (category, text) in cells.Where(c => c.Key != "total"))
            {
                Assert.True(text == StratumCount(report, measure, breakdown, category), $"MeasureReport {measure} by {breakdown}, {category}: expected {text}, got {StratumCount(report, measure, breakdown, category)}");
                Assert.True(text == CellCount(report, measure, breakdown, category), $"MeasureReport {measure} by week and {breakdown}, {category}: expected {text}, got {CellCount(report, measure, breakdown, category)}");
            }
        }

        // The clinic page, from an EHR launch, in English then Spanish, checked by axe under the page's policy.
        var clinic = await NewPageAsync("en-US", 1280, 900);
        var launch = await fixture.Stack.PortalLaunchUrlAsync("robert-chen", "dr-patel");
        await clinic.GotoAsync(launch.AbsoluteUri.Replace("/launch?", "/launch/clinician?", StringComparison.Ordinal));
        await clinic.ArriveAsync("**/clinician");
        foreach (var (lang, heading, caption) in new[] { ("en", "Who is being reached", "Invited, by preferred language, per week"), ("es", "A quién estamos llegando", "Invitados, por idioma preferido, por semana") })
        {
            var shown = await clinic.GotoAsync(new Uri(fixture.Stack.AppUrl, $"/clinician/uptake?from={today}&to={today}&lang={lang}").AbsoluteUri);
            Assert.Equal(200, shown!.Status);
            await Assertions.Expect(clinic.Locator("html")).ToHaveAttributeAsync("lang", lang);
            await Assertions.Expect(clinic.Locator("h1")).ToHaveTextAsync(heading);
            await Assertions.Expect(clinic.Locator("#pv-invited-language caption")).ToHaveTextAsync(caption);
            Assert.Equal(0, await clinic.Locator("#pv-demographics-unavailable").CountAsync());
            Assert.Equal(1, await clinic.Locator("tbody tr").First.Locator("th[scope=row]").CountAsync());
            foreach (var ((measure, breakdown), cells) in Expected)
            {
                var table = clinic.Locator($"#pv-{measure}-{breakdown}");
                foreach (var (category, text) in cells)
                {
                    // The week's row and the all-weeks row: one week, the same numbers.
                    Assert.Equal(text, (await table.Locator($"tbody tr td[data-category='{category}']").InnerTextAsync()).Trim());
                    Assert.Equal(text, (await table.Locator($"tfoot tr td[data-category='{category}']").InnerTextAsync()).Trim());
                }
            }

            Assert.Empty(await Axe.ViolationsAsync(clinic, "uptake page " + lang));
        }

        // In a narrow EHR frame the wide tables scroll inside regions the keyboard reaches; still no violation.
        await clinic.SetViewportSizeAsync(390, 844);
        await clinic.ReloadAsync();
        Assert.True(await clinic.EvaluateAsync<bool>("() => [...document.querySelectorAll('.table-scroll')].some(r => r.scrollWidth > r.clientWidth)"), "At 390 px some table should need to scroll.");
        Assert.Empty(await Axe.ViolationsAsync(clinic, "uptake page at 390 px"));
    }

    [Fact]
    public async Task A_patient_token_or_one_without_a_system_scope_gets_no_counts()
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(fixture.Stack.AppUrl, "/fhir/") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create(new Uri(fixture.Stack.AppUrl, "/fhir").AbsoluteUri, "patient/*.cruds", patient: "robert-chen"));
        using var refused = await client.GetAsync($"Measure/patientvoice-uptake/$evaluate-measure?periodStart={today}&periodEnd={today}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("OperationOutcome", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<IPage> NewPageAsync(string locale, int width = 390, int height = 844)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale, ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        Axe.Watch(page);
        page.SetDefaultTimeout(30_000);
        return page;
    }

    private HttpClient Client()
    {
        var client = fixture.Stack.FhirClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        client.Timeout = TimeSpan.FromMinutes(5);
        return client;
    }

    private async Task<string> InviteAsync(string patient, string language)
    {
        using var client = Client();
        var body = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(
                new JsonObject { ["name"] = "visitDate", ["valueDate"] = VisitDate },
                new JsonObject { ["name"] = "clinic", ["valueString"] = "North clinic" },
                new JsonObject { ["name"] = "language", ["valueCode"] = language },
                new JsonObject { ["name"] = "check", ["valueCode"] = "none" }),
        };
        using var response = await client.PostAsync($"Patient/{patient}/$invite", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/fhir+json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var parameters = JsonDocument.Parse(text);
        return parameters.RootElement.GetProperty("parameter").EnumerateArray().First(p => p.GetProperty("name").GetString() == "url").GetProperty("valueUri").GetString()!;
    }

    // A completed "Before your visit" for Robert Chen, written by author (he or his wife), through POST /fhir/QuestionnaireResponse.
    private async Task SubmitAsync(string author, string respondent)
    {
        var response = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.CompletedResponses, "before-your-visit.json")))!.AsObject();
        response.Remove("id");
        response["subject"] = new JsonObject { ["reference"] = "Patient/robert-chen" };
        response["author"] = new JsonObject { ["reference"] = author };
        response["source"] = new JsonObject { ["reference"] = author };
        response["authored"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        foreach (var item in response["item"]!.AsArray())
        {
            if (item!["linkId"]!.GetValue<string>() == "respondent")
            {
                item["answer"]![0]!["valueCoding"]!["code"] = respondent;
                item["answer"]![0]!["valueCoding"]!.AsObject().Remove("display");
            }
        }

        using var client = Client();
        using var posted = await client.PostAsync("QuestionnaireResponse", new StringContent(response.ToJsonString(), Encoding.UTF8, "application/fhir+json"));
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> MeasureReportAsync(string day)
    {
        using var client = Client();
        using var response = await client.GetAsync($"Measure/patientvoice-uptake/$evaluate-measure?periodStart={day}&periodEnd={day}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var document = JsonDocument.Parse(text);
        Assert.Equal("MeasureReport", document.RootElement.GetProperty("resourceType").GetString());
        return document.RootElement.Clone();
    }

    private static JsonElement Group(JsonElement report, string measure)
        => report.GetProperty("group").EnumerateArray().Single(g => g.GetProperty("code").GetProperty("coding")[0].GetProperty("code").GetString() == measure);

    private static string GroupTotal(JsonElement report, string measure) => CountText(Group(report, measure).GetProperty("population")[0]);

    private static JsonElement Stratifier(JsonElement report, string measure, string code)
        => Group(report, measure).GetProperty("stratifier").EnumerateArray().Single(s => s.GetProperty("code")[0].GetProperty("coding")[0].GetProperty("code").GetString() == code);

    private static string StratumCount(JsonElement report, string measure, string breakdown, string category)
        => CountText(Stratifier(report, measure, breakdown).GetProperty("stratum").EnumerateArray()
            .Single(s => s.GetProperty("value").GetProperty("coding")[0].GetProperty("code").GetString() == category).GetProperty("population")[0]);

    private static string CellCount(JsonElement report, string measure, string breakdown, string category)
        => CountText(Stratifier(report, measure, "week-" + breakdown).GetProperty("stratum").EnumerateArray()
            .Single(s => s.GetProperty("component")[1].GetProperty("value").GetProperty("coding")[0].GetProperty("code").GetString() == category).GetProperty("population")[0]);

    // A count, or "<11" when it carries the data-absent-reason "masked" instead of a value.
    private static string CountText(JsonElement population)
    {
        if (population.TryGetProperty("count", out var count))
        {
            Assert.False(population.TryGetProperty("_count", out _), "A shown count carries no data-absent-reason.");
            return count.GetInt32().ToString(CultureInfo.InvariantCulture);
        }

        var reason = population.GetProperty("_count").GetProperty("extension")[0];
        Assert.Equal("http://hl7.org/fhir/StructureDefinition/data-absent-reason", reason.GetProperty("url").GetString());
        Assert.Equal("masked", reason.GetProperty("valueCode").GetString());
        return "<11";
    }
}
