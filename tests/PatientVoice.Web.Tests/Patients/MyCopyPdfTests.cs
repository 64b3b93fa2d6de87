using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;
using PatientVoice.Web.Patients.MyCopy;
using PatientVoice.Web.Presentation;
using PatientVoice.Web.Tests.Clinicians;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>
/// "My copy" as a PDF after real submissions through the FHIR API, downloaded by a real portal launch over real
/// HTTP (PatientVoice on Kestrel with its SQLite file, the sandbox EHR as its own process) and read back with PdfPig.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed partial class MyCopyPdfTests(LaunchFixture fixture)
{
    [Fact]
    public async Task The_pdf_holds_the_patients_own_words_the_labels_and_page_numbers_and_a_long_answer_runs_over_two_pages()
    {
        var marker = Marker();
        var worry = $"{marker} — me preocupa caerme: á é í ó ú ñ ü ¿Podré bailar? ¡Ojalá! “Sí”, dijo ‘mamá’.";
        // Four answers of nearly the 1000 characters the questionnaire allows, in paragraphs: more than a page.
        var longAnswers = new[] { "visit-hopes", "visit-clinician-should-know", "visit-changes" }
            .ToDictionary(linkId => linkId, linkId => LongAnswer($"{linkId}-{marker}", 980));
        longAnswers["visit-worries"] = worry + "\n" + LongAnswer("worries-" + marker, 980 - worry.Length - 1);
        await SubmitAsync("ahmed-hassan", "before-your-visit", r =>
        {
            foreach (var (linkId, answer) in longAnswers)
            {
                PatientSubmissions.Answer(r, linkId, answer);
            }
        });
        await SubmitAsync("ahmed-hassan", "my-goals");
        var othersWords = $"{Marker()} words of another patient";
        await SubmitAsync("aisha-bello", "before-your-visit", r => PatientSubmissions.Answer(r, "visit-worries", othersWords));
        using var browser = new TestBrowser();
        await LaunchAsync(browser, "ahmed-hassan", "ahmed-hassan");

        using var response = await browser.GetAsync(new Uri(fixture.AppUrl, "/patient/my-copy?handler=Pdf").AbsoluteUri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Matches(@"^my-copy-\d{4}-\d{2}-\d{2}\.pdf$", disposition.FileName!.Trim('"'));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var pdfBytes = await response.Content.ReadAsByteArrayAsync();
        var pdf = PdfText.Read(pdfBytes);

        Assert.True(pdf.Pages.Count > 1, $"expected more than one page, got {pdf.Pages.Count}");
        Assert.Contains(PdfText.Words(worry), pdf.Body, StringComparison.Ordinal);
        foreach (var answer in longAnswers.Values)
        {
            Assert.Contains(PdfText.Words(answer), pdf.Body, StringComparison.Ordinal);
        }

        Assert.Contains(longAnswers.Values, answer => PageOf(pdf, answer[..40]) < PageOf(pdf, answer[^40..]));
        Assert.Contains("Walk my granddaughter to school", pdf.Body, StringComparison.Ordinal);
        Assert.Contains("Why it matters: I want to be part of her day", pdf.Body, StringComparison.Ordinal);
        foreach (var label in new[] { "My copy", "My goals", "My preferences", "My answers", "What are you most worried about?", "the patient’s own words" })
        {
            Assert.Contains(label, pdf.All, StringComparison.Ordinal);
        }

        for (var page = 0; page < pdf.Pages.Count; page++)
        {
            Assert.Contains("My copy — Ahmed Hassan", pdf.Pages[page], StringComparison.Ordinal);
            Assert.Matches(@"Printed [A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4}", pdf.Pages[page]);
            Assert.Contains($"Page {page + 1} of {pdf.Pages.Count}", pdf.Pages[page], StringComparison.Ordinal);
        }

        Assert.DoesNotContain(othersWords, pdf.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Ahmed", disposition.FileName, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_family_member_gets_the_pdf_in_the_patients_spanish_with_their_part_labelled()
    {
        var marker = Marker();
        var worry = $"{marker} Mi mamá se cansa al subir la escalera; ¿qué podemos hacer?";
        await SubmitAsync("rosa-hernandez", "before-your-visit", r => PatientSubmissions.Answer(r, "visit-worries", worry), author: "RelatedPerson/miguel-hernandez");
        using var browser = new TestBrowser();
        await LaunchAsync(browser, "rosa-hernandez", "miguel-hernandez");

        using var response = await browser.GetAsync(new Uri(fixture.AppUrl, "/patient/my-copy?handler=Pdf").AbsoluteUri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(@"^mi-copia-\d{4}-\d{2}-\d{2}\.pdf$", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        var pdfBytes = await response.Content.ReadAsByteArrayAsync();
        var pdf = PdfText.Read(pdfBytes);
        Assert.Contains(PdfText.Words(worry), pdf.Body, StringComparison.Ordinal);
        foreach (var label in new[] { "Mi copia — Rosa Hernández", "Mis metas", "Mis preferencias", "Mis respuestas", "Llenado por un familiar", "las propias palabras del paciente", "Página 1 de " })
        {
            Assert.Contains(label, pdf.All, StringComparison.Ordinal);
        }

        Assert.Matches(@"Impreso el (lunes|martes|miércoles|jueves|viernes|sábado|domingo) \d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre) de \d{4}", pdf.All);
        Assert.DoesNotContain("My answers", pdf.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Filled in by a family member", pdf.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task My_copy_links_to_the_pdf_by_an_ordinary_link_named_for_what_it_does()
    {
        using var browser = new TestBrowser();
        await LaunchAsync(browser, "carlos-mendoza", "carlos-mendoza");

        using var page = await browser.GetAsync(new Uri(fixture.AppUrl, "/patient/my-copy").AbsoluteUri);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var link = PdfLink().Match(html);
        Assert.True(link.Success, "no link to the PDF on My copy: " + html[html.IndexOf("<main", StringComparison.Ordinal)..][..1200]);
        Assert.Contains(" download", link.Value, StringComparison.Ordinal);
        Assert.Equal("Descargar en PDF", link.Groups["name"].Value.Trim());
        using var pdf = await browser.GetAsync(new Uri(fixture.AppUrl, WebUtility.HtmlDecode(link.Groups["href"].Value)).AbsoluteUri);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Nada compartido todavía.", PdfText.Read(await pdf.Content.ReadAsByteArrayAsync()).All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_a_patient_session_gets_a_pdf_a_clinician_is_turned_away_and_a_browser_without_a_session_is_sent_to_open_it_from_the_portal()
    {
        using var clinician = new TestBrowser();
        var launch = await fixture.EhrLaunchAsync(new { patient = "ahmed-hassan", user = "dr-nguyen" });
        using var signedIn = await fixture.LaunchAsync(clinician, $"/launch/clinician?iss={fixture.Iss}&launch={launch}", "dr-nguyen");
        using var nobody = new TestBrowser();

        using var asClinician = await clinician.GetAsync(new Uri(fixture.AppUrl, "/patient/my-copy?handler=Pdf").AbsoluteUri);
        using var withoutSession = await nobody.GetAsync(new Uri(fixture.AppUrl, "/patient/my-copy?handler=Pdf").AbsoluteUri);

        foreach (var response in new[] { asClinician, withoutSession })
        {
            Assert.NotEqual("application/pdf", response.Content.Headers.ContentType?.MediaType);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("/session/denied", asClinician.RedirectLocation().OriginalString);
        Assert.Equal("/session/required", withoutSession.RedirectLocation().OriginalString);
    }

    [Fact]
    public async Task Making_the_pdf_logs_counts_and_never_the_patients_words()
    {
        var marker = Marker();
        await SubmitAsync("robert-chen", "before-your-visit", r => PatientSubmissions.Answer(r, "visit-worries", marker + " my ankles swell"));
        using var browser = new TestBrowser();
        await LaunchAsync(browser, "robert-chen", "helen-chen");
        using var logs = new CapturedLogs(fixture.Services.GetRequiredService<ILoggerFactory>());

        using var response = await browser.GetAsync(new Uri(fixture.AppUrl, "/patient/my-copy?handler=Pdf").AbsoluteUri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = logs.Lines;
        Assert.Contains(lines, l => l.StartsWith("6040 ", StringComparison.Ordinal) && l.Contains("pages", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(marker, StringComparison.Ordinal) || l.Contains("ankles", StringComparison.Ordinal) || l.Contains("Robert", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Text_the_font_cannot_show_is_replaced_and_never_stops_the_pdf()
    {
        using var scope = fixture.Services.CreateScope();
        var pdf = scope.ServiceProvider.GetRequiredService<MyCopyPdf>();
        var hostile = "Dolor 😀👍🏽 👨‍👩‍👧 fin\u0007\u200D\uFE0F; 中文 ok; عربى; \uD800 alone; ǹ; tab\there; A\r\nB";
        var unbroken = new string('x', 6000);
        var goal = new Goal { Description = new CodeableConcept { Text = hostile }, ExpressedBy = new ResourceReference("RelatedPerson/x") };
        var copy = new MyCopyContent("Zoë “Z” Ñúñez 🙂", DateTimeOffset.UtcNow, ReaderTimeZone.Utc, [goal, new Goal()],
            [new PatientStatement("what-helps", "What helps", unbroken, null, null, null)], [],
            [new SharedAnswers("Q", DateTimeOffset.UtcNow, true, [new AnsweredQuestion("Why?", ["", hostile], 9)])]);

        var text = PdfText.Read(pdf.Render(copy));

        Assert.Contains("Dolor □ □ fin; □ ok; □; □ alone; ǹ; tab here; A B", text.Body, StringComparison.Ordinal);
        Assert.Contains("My copy — Zoë “Z” Ñúñez □", text.All, StringComparison.Ordinal);
        Assert.Equal(6000, text.Body.Split(' ').Where(w => w.All(c => c == 'x')).Sum(w => w.Length));
        Assert.True(text.Pages.Count > 1);
    }

    [Fact]
    public async Task The_pdf_writes_times_in_the_zone_the_browser_named_and_says_utc_when_it_named_none_or_a_bogus_one()
    {
        var marker = Marker();
        await SubmitAsync("ahmed-hassan", "before-your-visit", r => PatientSubmissions.Answer(r, "visit-worries", marker));
        using var browser = new TestBrowser();
        await LaunchAsync(browser, "ahmed-hassan", "ahmed-hassan");

        var chicago = await PdfAsync(browser, "&tz=America%2FChicago");
        var none = await PdfAsync(browser, string.Empty);
        var bogus = await PdfAsync(browser, "&tz=..%2F..%2Fetc%2Fpasswd");

        Assert.Matches(@"Before your visit — [A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4} \d{2}:\d{2} America/Chicago", chicago);
        Assert.DoesNotContain(" UTC", chicago, StringComparison.Ordinal);
        foreach (var utc in new[] { none, bogus })
        {
            Assert.Matches(@"Before your visit — [A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4} \d{2}:\d{2} UTC", utc);
            Assert.DoesNotContain("America/Chicago", utc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_submission_shortly_after_midnight_utc_is_the_evening_before_in_chicago_and_the_file_is_named_for_that_day()
    {
        using var scope = fixture.Services.CreateScope();
        var pdf = scope.ServiceProvider.GetRequiredService<MyCopyPdf>();
        var when = new DateTimeOffset(2026, 3, 1, 3, 30, 0, TimeSpan.Zero);
        MyCopyContent Copy(ReaderTimeZone zone) => new("Ana", when, zone, [], [], [], [new SharedAnswers("Before your visit", when, false, [])]);

        var chicago = Copy(ReaderTimeZone.From("America/Chicago"));
        var utc = Copy(ReaderTimeZone.Utc);

        Assert.Contains("Before your visit — Saturday, February 28, 2026 21:30 America/Chicago", PdfText.Read(pdf.Render(chicago)).All, StringComparison.Ordinal);
        Assert.Contains("Printed Saturday, February 28, 2026", PdfText.Read(pdf.Render(chicago)).All, StringComparison.Ordinal);
        Assert.Equal("my-copy-2026-02-28.pdf", pdf.FileName(chicago));
        Assert.Contains("Before your visit — Sunday, March 1, 2026 03:30 UTC", PdfText.Read(pdf.Render(utc)).All, StringComparison.Ordinal);
        Assert.Equal("my-copy-2026-03-01.pdf", pdf.FileName(utc));
    }

    private async Task<string> PdfAsync(TestBrowser browser, string query)
    {
        using var response = await browser.GetAsync(new Uri(fixture.AppUrl, "/patient/my-copy?handler=Pdf" + query).AbsoluteUri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PdfText.Read(await response.Content.ReadAsByteArrayAsync()).All;
    }

    private static string Marker() => "pv" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>
    /// Free text of exactly <paramref name="length"/> characters in Spanish and English, with accents, punctuation and
    /// a paragraph break every few sentences, starting and ending with words unique to <paramref name="tag"/>.
    /// </summary>
    private static string LongAnswer(string tag, int length)
    {
        string[] vocabulary = ["Quiero", "caminar", "sin", "dolor", "después", "del", "almuerzo,", "y", "también", "dormir", "mejor;", "my", "feet", "feel", "numb", "at", "night.", "¿Cuándo", "podré", "manejar?", "¡Gracias!", "niño", "pingüino", "acción"];
        var end = " End-" + tag;
        var text = new StringBuilder("Start-" + tag);
        for (var i = 0; text.Length + end.Length < length; i++)
        {
            text.Append(i % 40 == 39 ? '\n' : ' ').Append(vocabulary[i % vocabulary.Length]);
        }

        var body = text.ToString()[..(length - end.Length)].TrimEnd();
        return body + end;
    }

    private static int PageOf(PdfText pdf, string text)
    {
        var words = PdfText.Words(text);
        for (var page = 0; page < pdf.Bodies.Count; page++)
        {
            if (pdf.Bodies[page].Contains(words, StringComparison.Ordinal))
            {
                return page;
            }
        }

        Assert.Fail($"'{words}' is on no page");
        return -1;
    }

    private async Task SubmitAsync(string patient, string form, Action<QuestionnaireResponse>? change = null, string? author = null)
    {
        using var fhir = new HttpClient { BaseAddress = new Uri(fixture.AppUrl, "/fhir/") };
        fhir.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        fhir.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FhirServerFixture.Token(PatientVoice.Testing.TestTokens.AllAccess));
        await new PatientSubmissions(fhir, "Patient/" + patient).SubmitAsync(form, DateTimeOffset.UtcNow.AddDays(-1), change, author);
    }

    private async Task LaunchAsync(TestBrowser browser, string patient, string user)
        => Assert.StartsWith("/patient", (await PatientPages.LaunchAsync(fixture, browser, patient, user)).Url.AbsolutePath, StringComparison.Ordinal);

    [GeneratedRegex("<a [^>]*href=\"(?<href>[^\"]*handler=Pdf[^\"]*)\"[^>]*>(?<name>[^<]*)</a>")]
    private static partial Regex PdfLink();
}
