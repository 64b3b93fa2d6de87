using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>
/// One time estimate per form (issue 16): the home page's "About 2 min" beside a form is the only number of minutes
/// the patient meets for it, on the form's page and in the questions LHC-Forms renders there (the localized
/// questionnaire the page hands it), in English and in Spanish.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed partial class FormTimeEstimateTests(LaunchFixture fixture)
{
    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public async Task Every_form_names_the_same_minutes_as_the_home_page_and_no_other(string language)
    {
        using var browser = new TestBrowser { AcceptLanguage = "en-US" };
        await PatientPages.LaunchAsync(fixture, browser, "robert-chen", "robert-chen");
        var home = await PatientPages.GetAsync(fixture, browser, $"/patient/language?culture={language}&returnUrl=%2Fpatient");
        Assert.Equal(language, home.Lang);

        var tasks = HomeTask().Matches(home.Html).Select(m => (Id: m.Groups["id"].Value, Meta: WebUtility.HtmlDecode(m.Groups["meta"].Value))).ToList();
        Assert.True(tasks.Count >= 4, $"{tasks.Count} forms on the home page; our four expected");
        foreach (var (id, meta) in tasks)
        {
            var homeMinutes = Assert.Single(Minutes(meta));

            var form = await PatientPages.GetAsync(fixture, browser, "/patient/questionnaire/" + id);
            var questionnaire = WebUtility.HtmlDecode(QuestionnaireAttribute().Match(form.Html).Groups[1].Value);
            Assert.False(string.IsNullOrEmpty(questionnaire), $"{id}: no questionnaire on the form page");
            using var json = JsonDocument.Parse(questionnaire);
            var read = new List<string> { form.Text };
            Strings(json.RootElement, read);

            var onForm = read.SelectMany(Minutes).ToList();
            Assert.NotEmpty(onForm);
            Assert.All(onForm, m => Assert.True(m == homeMinutes, $"{id} ({language}): the home page says {homeMinutes} min, the form {m}: {string.Join(" | ", read.Where(r => Minutes(r).Contains(m)).Select(r => r.Length > 200 ? r[..200] : r))}"));
        }
    }

    private static IEnumerable<int> Minutes(string text) => MinutesPattern().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    // Every string of the localized questionnaire that LHC-Forms shows (texts, prefixes, option displays, the title).
    private static void Strings(JsonElement element, List<string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String && property.Name is "text" or "prefix" or "display" or "title")
                    {
                        into.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        Strings(property.Value, into);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Strings(item, into);
                }

                break;
        }
    }

    [GeneratedRegex("""<a href="/patient/questionnaire/(?<id>[^"]+)" class="task-link">[^<]*</a>\s*<span class="task-meta">(?<meta>[^<]*)</span>""")]
    private static partial Regex HomeTask();

    [GeneratedRegex("data-questionnaire=\"([^\"]*)\"")]
    private static partial Regex QuestionnaireAttribute();

    [GeneratedRegex(@"(\d+)\s*(?:min\b|minutes?\b|minutos?\b)", RegexOptions.IgnoreCase)]
    private static partial Regex MinutesPattern();
}
