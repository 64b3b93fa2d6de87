using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;

namespace PatientVoice.Sandbox.Tests;

/// <summary>The launcher opens PatientVoice as EHRs do: inside the chart for a clinician, in the portal for a patient or family member.</summary>
[Collection(SharedSandboxCollection.Name)]
public sealed partial class LauncherTests(SandboxFactory factory)
{
    private const string AppLaunch = "http://localhost:5000/launch";

    [Fact]
    public async Task Opening_patientvoice_as_a_clinician_shows_it_in_the_chart_with_a_launch_bound_to_the_patient_and_clinician()
    {
        var browser = new BrowserSession(factory);

        var chosen = await PostLauncherAsync(browser, "Clinician", "maria-garcia", "dr-patel");

        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        var chartUrl = chosen.Headers.Location!.OriginalString;
        Assert.StartsWith("/chart/maria-garcia?", chartUrl, StringComparison.Ordinal);
        var chart = await browser.Http.GetStringAsync(chartUrl);
        var frame = FrameSource(chart);
        Assert.StartsWith(AppLaunch + "?iss=" + Uri.EscapeDataString(SandboxFactory.FhirBase) + "&launch=", frame, StringComparison.Ordinal);

        var token = await new SmartClient(browser.Http).LoginAsync("launch openid fhirUser patient/*.rs", user: null, LaunchOf(frame));
        Assert.Equal("maria-garcia", token.GetProperty("patient").GetString());
        Assert.Equal("enc-maria-garcia", token.GetProperty("encounter").GetString());
        Assert.Equal("Appointment/appt-maria-garcia", token.GetProperty("fhirContext")[0].GetProperty("reference").GetString());
        Assert.Equal(JsonValueKind.False, token.GetProperty("need_patient_banner").ValueKind);
        Assert.Equal("Practitioner/dr-patel", new JsonWebToken(token.GetProperty("id_token").GetString()!).GetClaim("fhirUser").Value);
    }

    [Theory]
    [InlineData("lucia-garcia", "RelatedPerson/lucia-garcia")]
    [InlineData("maria-garcia", "Patient/maria-garcia")]
    [InlineData("dr-patel", "Patient/maria-garcia")]
    [InlineData("helen-chen", "Patient/maria-garcia")]
    public async Task The_patient_portal_opens_patientvoice_as_the_patient_or_a_family_member_acting_for_them(string chosenUser, string expectedFhirUser)
    {
        var browser = new BrowserSession(factory);

        var portal = await PostLauncherAsync(browser, "Portal", "maria-garcia", chosenUser);

        Assert.Equal(HttpStatusCode.Redirect, portal.StatusCode);
        var app = portal.Headers.Location!.AbsoluteUri;
        Assert.StartsWith(AppLaunch + "?iss=", app, StringComparison.Ordinal);
        var token = await new SmartClient(browser.Http).LoginAsync("launch openid fhirUser patient/*.rs", user: null, QueryHelpers.ParseQuery(portal.Headers.Location.Query)["launch"].ToString());
        Assert.Equal("maria-garcia", token.GetProperty("patient").GetString());
        Assert.Equal(JsonValueKind.True, token.GetProperty("need_patient_banner").ValueKind);
        Assert.Equal(expectedFhirUser, new JsonWebToken(token.GetProperty("id_token").GetString()!).GetClaim("fhirUser").Value);
    }

    [Fact]
    public async Task Opening_patientvoice_as_a_clinician_needs_a_practitioner()
    {
        var browser = new BrowserSession(factory);

        var response = await PostLauncherAsync(browser, "Clinician", "robert-chen", "helen-chen");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Pick a practitioner", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_launch_is_never_handed_to_an_app_the_ehr_does_not_know()
    {
        var browser = new BrowserSession(factory);
        var chart = await browser.Http.GetStringAsync("/chart/linda-johnson");
        var fields = BrowserSession.HiddenFields(chart);
        fields["app"] = "https://elsewhere.example/steal";

        var launched = await browser.Http.PostAsync("/chart/linda-johnson?handler=Launch", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, launched.StatusCode);
        Assert.DoesNotContain("elsewhere", launched.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var frame = FrameSource(await browser.Http.GetStringAsync(launched.Headers.Location.OriginalString));
        Assert.StartsWith(AppLaunch + "?iss=", frame, StringComparison.Ordinal);
        var forged = FrameSource(await browser.Http.GetStringAsync("/chart/linda-johnson?launch=abc&app=" + Uri.EscapeDataString("https://elsewhere.example/steal")));
        Assert.StartsWith(AppLaunch + "?iss=", forged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_launcher_offers_the_standalone_launch_of_patientvoice()
    {
        var page = await new BrowserSession(factory).Http.GetStringAsync("/");

        Assert.Contains("href=\"http://localhost:5000/launch/standalone\"", page, StringComparison.Ordinal);
    }

    internal static async Task<HttpResponseMessage> PostLauncherAsync(BrowserSession browser, string handler, string patient, string user)
    {
        var page = await browser.Http.GetStringAsync("/");
        return await browser.Http.PostAsync($"/?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = BrowserSession.HiddenFields(page)["__RequestVerificationToken"],
            ["patient"] = patient,
            ["user"] = user,
        }));
    }

    /// <summary>The src of the chart's PatientVoice frame, HTML-decoded.</summary>
    internal static string FrameSource(string chart)
        => WebUtility.HtmlDecode(Assert.Single(FramePattern().Matches(chart)).Groups[1].Value);

    internal static string LaunchOf(string appUrl) => QueryHelpers.ParseQuery(new Uri(appUrl).Query)["launch"].ToString();

    [GeneratedRegex("<iframe title=\"PatientVoice\" src=\"([^\"]+)\"")]
    private static partial Regex FramePattern();
}
