using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>
/// A patient (or a family member) signed in through a real portal launch at the sandbox EHR, driving the patient
/// pages as a browser does: pages with their anti-forgery token, form posts, and the questionnaire's draft saves.
/// </summary>
internal sealed partial class PatientBrowser : IDisposable
{
    private readonly LaunchFixture _fixture;

    private PatientBrowser(LaunchFixture fixture, System.Net.IPAddress? source = null)
    {
        _fixture = fixture;
        Browser = new TestBrowser(source);
    }

    public TestBrowser Browser { get; }

    public static async Task<PatientBrowser> SignInAsync(LaunchFixture fixture, string patient, string user)
    {
        var browser = new PatientBrowser(fixture);
        var home = await PatientPages.LaunchAsync(fixture, browser.Browser, patient, user);
        Assert.StartsWith("/patient", home.Url.AbsolutePath, StringComparison.Ordinal);
        return browser;
    }

    /// <summary>A staff member launched from the EHR with <paramref name="patient"/> in context (a clinician launch), on the clinician page.</summary>
    public static async Task<PatientBrowser> SignInAsStaffAsync(LaunchFixture fixture, string patient, string staff)
    {
        var browser = new PatientBrowser(fixture);
        var launch = await fixture.EhrLaunchAsync(new { patient, user = staff });
        using var signedIn = await fixture.LaunchAsync(browser.Browser, $"/launch/clinician?iss={fixture.Iss}&launch={launch}", staff);
        Assert.Equal("/clinician", signedIn.RedirectLocation().OriginalString);
        return browser;
    }

    /// <summary>
    /// Someone who received a one-time link (docs/adr/0029) opens it on a device of their own: no portal, no EHR, a
    /// session made by the link (a kiosk link: no check), connecting from an address of its own (the link's look-ups
    /// are limited per address). Fails unless the link leads to its form.
    /// </summary>
    public static async Task<PatientBrowser> OpenLinkAsync(LaunchFixture fixture, Uri link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var browser = new PatientBrowser(fixture, TestBrowser.NewLoopbackAddress());
        using var opened = await browser.Browser.GetAsync(link.AbsoluteUri);
        Assert.StartsWith("/patient/questionnaire/", opened.RedirectLocation().OriginalString, StringComparison.Ordinal);
        return browser;
    }

    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> GetAsync(string path)
    {
        using var response = await Browser.GetAsync(new Uri(_fixture.AppUrl, path).AbsoluteUri);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    /// <summary>The anti-forgery token a page renders (every page with a form has one).</summary>
    public async Task<string> TokenAsync(string path)
    {
        var (status, html, _) = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, status);
        return AntiForgeryField().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No anti-forgery token on {path}.");
    }

    /// <summary>Posts a form as the page's own form would (its token included unless <paramref name="token"/> is empty).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IReadOnlyDictionary<string, string> fields, string? token = null)
    {
        token ??= await TokenAsync(path);
        var body = new Dictionary<string, string>(fields);
        if (token.Length > 0)
        {
            body["__RequestVerificationToken"] = token;
        }

        return await Browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(_fixture.AppUrl, path)) { Content = new FormUrlEncodedContent(body) });
    }

    /// <summary>What patient-form.js sends every few seconds: <c>{id, version, response}</c> with the token in a header.</summary>
    public async Task<HttpResponseMessage> SaveDraftAsync(string questionnaire, object body, string? token = null)
    {
        token ??= await TokenAsync($"/patient/questionnaire/{questionnaire}");
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_fixture.AppUrl, $"/patient/questionnaire/{questionnaire}?handler=Draft"))
        {
            Content = body as HttpContent ?? JsonContent.Create(body),
        };
        if (token.Length > 0)
        {
            request.Headers.Add("RequestVerificationToken", token);
        }

        return await Browser.SendAsync(request, "application/json");
    }

    public void Dispose() => Browser.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgeryField();
}
