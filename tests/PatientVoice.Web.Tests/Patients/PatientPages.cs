using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using PatientVoice.Testing;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>The patient pages as a browser without a screen sees them: a portal launch at the sandbox, then pages by URL.</summary>
internal static partial class PatientPages
{
    /// <summary>
    /// Opens PatientVoice from the portal for <paramref name="patient"/> as <paramref name="user"/> (the launch naming
    /// <paramref name="fhirContext"/> items, if any) and follows the redirects to the first patient page.
    /// </summary>
    public static async Task<Page> LaunchAsync(LaunchFixture fixture, TestBrowser browser, string patient, string user, object[]? fhirContext = null)
    {
        var launch = await fixture.EhrLaunchAsync(fhirContext is null ? new { patient, user } : new { patient, user, fhirContext });
        using var signedIn = await fixture.LaunchAsync(browser, $"/launch?iss={fixture.Iss}&launch={launch}", user);
        return await GetAsync(fixture, browser, signedIn.RedirectLocation().OriginalString);
    }

    /// <summary><c>GET</c> <paramref name="pathAndQuery"/>, following redirects; fails unless the page answers 200.</summary>
    public static async Task<Page> GetAsync(LaunchFixture fixture, TestBrowser browser, string pathAndQuery)
    {
        var url = new Uri(fixture.AppUrl, pathAndQuery);
        for (var hops = 0; hops < 6; hops++)
        {
            using var response = await browser.GetAsync(url.AbsoluteUri);
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect)
            {
                url = new Uri(url, response.RedirectLocation());
                continue;
            }

            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url.PathAndQuery}: {(int)response.StatusCode} {Text(html)}");
            return new Page(url, html);
        }

        throw new Xunit.Sdk.XunitException($"Too many redirects from {pathAndQuery}");
    }

    /// <summary>A client of PatientVoice's FHIR API with a token for every type and every patient.</summary>
    public static HttpClient FhirClient(LaunchFixture fixture)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri(fixture.AppUrl, "/fhir/"),
            // Submissions wait for the validator's warm-up: minutes on a machine shared by many builds.
            Timeout = TimeSpan.FromMinutes(5),
        };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(FhirServerFixture.Audience, TestTokens.AllAccess));
        return client;
    }

    /// <summary>What a reader sees of <paramref name="html"/>: the text without tags, entities decoded, spaces collapsed.</summary>
    public static string Text(string html) => Spaces().Replace(WebUtility.HtmlDecode(Tags().Replace(html, " ")), " ").Trim();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex("<html lang=\"([^\"]*)\"")]
    internal static partial Regex HtmlLang();
}

/// <summary>A page as served: where it ended up and its HTML.</summary>
internal sealed record Page(Uri Url, string Html)
{
    /// <summary>The <c>lang</c> of the <c>html</c> element.</summary>
    public string Lang => PatientPages.HtmlLang().Match(Html).Groups[1].Value;

    public string Text => PatientPages.Text(Html);

    /// <summary>The text of the element whose opening tag carries <c>id="<paramref name="id"/>"</c>, up to the next element of the same tag name and class or the end of its section.</summary>
    public string TextOf(string id)
    {
        var start = Html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No element #{id} on {Url.PathAndQuery}: {Text}");
        start = Html.LastIndexOf('<', start);
        var end = Html.IndexOf("</section>", start, StringComparison.Ordinal);
        var next = Html.IndexOf("id=\"pv-shared-", start + id.Length + 5, StringComparison.Ordinal);
        if (next >= 0 && (end < 0 || next < end))
        {
            end = next;
        }

        return PatientPages.Text(Html[start..(end < 0 ? Html.Length : end)]);
    }
}
