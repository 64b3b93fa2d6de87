using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using PatientVoice.Testing;

namespace PatientVoice.Sandbox.Tests;

/// <summary>
/// The sandbox shows "the message it would send" (issue 18): a staff member picks a patient and a visit on the
/// sandbox's /messages page, the EHR asks PatientVoice's <c>$invite</c> with its own Backend Services token, and the
/// page shows the SMS/email text with its link, marked as not sent. The link then opens PatientVoice's form for that
/// patient, in the language the EHR holds, after the date of birth from the EHR's record. The one command as a user
/// runs it: the sandbox's build output as a real process, PatientVoice its child, everything over real HTTP.
/// </summary>
public sealed partial class InvitationMessageTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_link_made_on_the_sandbox_messages_page_is_shown_as_the_message_it_would_send_and_opens_the_patients_form()
    {
        using var data = new ScratchDirectory();
        var ehr = $"http://127.0.0.1:{FreePort.Next()}";
        var app = $"http://127.0.0.1:{FreePort.Next()}";
        await using var sandbox = await HostProcess.StartAsync(new HostProcessOptions(RepositoryPaths.SandboxAssembly)
        {
            WorkingDirectory = RepositoryPaths.SandboxProject,
            Environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Sandbox__EhrUrl"] = ehr,
                ["Sandbox__AppUrl"] = app,
                ["Sandbox__DataDirectory"] = data.Path,
                ["Sandbox__StartPatientVoice"] = "true",
            },
            OutputLines = int.MaxValue,
        });
        try
        {
            // PatientVoice has taken a validated write from the EHR (its subscription): it is warm for the next one.
            await WaitUntilAsync(() => Task.FromResult(sandbox.Output.Any(l => l.Contains("Subscribed to PatientVoice's completed questionnaires", StringComparison.Ordinal))), sandbox, "the EHR's subscription at PatientVoice");
            using var browser = new Browser();
            var visit = DateTime.UtcNow.Date.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

            var (status, form, _) = await browser.GetAsync(ehr + "/messages");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("This sandbox sends nothing", form, StringComparison.Ordinal);
            using var created = await browser.PostAsync(ehr + "/messages?handler=Invite", new Dictionary<string, string>
            {
                ["patient"] = "maria-garcia",
                ["staff"] = "dr-nguyen",
                ["visitDate"] = visit,
                ["clinic"] = "Clínica del Valle",
                ["language"] = "",
                ["check"] = "birth-date",
                ["__RequestVerificationToken"] = Antiforgery(form),
            });
            Assert.True(created.StatusCode == HttpStatusCode.Redirect, $"{(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
            Assert.Equal("/messages?patient=maria-garcia", created.Headers.Location!.OriginalString);

            // The outbox shows the message PatientVoice wrote, in María's language (Spanish, from the EHR's record), not sent.
            var (_, outbox, _) = await browser.GetAsync(ehr + "/messages?patient=maria-garcia");
            var text = WebUtility.HtmlDecode(outbox);
            Assert.Contains("NOT SENT", text, StringComparison.Ordinal);
            var message = MessageText().Match(text);
            Assert.True(message.Success, "no message in the outbox");
            Assert.Equal("es", message.Groups["lang"].Value);
            Assert.StartsWith("Clínica del Valle: antes de su visita del ", message.Groups["text"].Value, StringComparison.Ordinal);
            var link = LinkIn().Match(message.Groups["text"].Value).Value;
            Assert.StartsWith(app + "/i/", link, StringComparison.Ordinal);
            Assert.Contains("asked by Dr. Minh Nguyen", text, StringComparison.Ordinal);
            Assert.Matches("data-invitation=\"Task/[^\"]+\"", outbox);

            // The link, opened on the patient's phone: the check (date of birth from the EHR's record), then her form.
            using var phone = new Browser();
            var (opened, check, _) = await phone.GetAsync(link);
            Assert.Equal(HttpStatusCode.OK, opened);
            Assert.Contains("<html lang=\"es\"", check, StringComparison.Ordinal);
            Assert.Contains("Clínica del Valle", WebUtility.HtmlDecode(check), StringComparison.Ordinal);
            using var passed = await phone.PostAsync(link, new Dictionary<string, string>
            {
                ["day"] = "14", ["month"] = "3", ["year"] = "1958", ["__RequestVerificationToken"] = Antiforgery(check),
            });
            Assert.Equal(HttpStatusCode.Redirect, passed.StatusCode);
            var formPath = passed.Headers.Location!.OriginalString;
            Assert.StartsWith("/patient/questionnaire/", formPath, StringComparison.Ordinal);
            var (formStatus, questionnaire, _) = await phone.GetAsync(app + formPath);
            Assert.Equal(HttpStatusCode.OK, formStatus);
            Assert.Contains("id=\"pv-form\"", questionnaire, StringComparison.Ordinal);
            Assert.Contains("Patient/maria-garcia", WebUtility.HtmlDecode(questionnaire), StringComparison.Ordinal);
        }
        finally
        {
            sandbox.Terminate();
            await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static string Antiforgery(string html)
        => AntiforgeryField().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new Xunit.Sdk.XunitException("no anti-forgery token on the page");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, HostProcess sandbox, string what)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            Assert.False(sandbox.HasExited, $"the sandbox exited while waiting for {what}:\n{sandbox.RecentOutput}");
            await Task.Delay(250);
        }

        Assert.Fail($"Timed out waiting for {what}.\n{sandbox.RecentOutput}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<blockquote lang=\"(?<lang>[a-z]+)\" class=\"message-text\">(?<text>[^<]+)</blockquote>")]
    private static partial Regex MessageText();

    [GeneratedRegex("https?://[^\\s)]+/i/[A-Za-z0-9_-]+")]
    private static partial Regex LinkIn();

    /// <summary>A browser without a screen: its own cookies per site (Secure ones too, over loopback), no automatic redirects.</summary>
    private sealed class Browser : IDisposable
    {
        private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromMinutes(2) };
        private readonly CookieJar _cookies = new();

        public async Task<(HttpStatusCode Status, string Html, Uri? Location)> GetAsync(string url)
        {
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url));
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
        }

        public Task<HttpResponseMessage> PostAsync(string url, Dictionary<string, string> fields)
            => SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) });

        private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            request.Headers.Accept.ParseAdd("text/html");
            _cookies.AddTo(request);
            var response = await _http.SendAsync(request);
            _cookies.Take(request.RequestUri!, response);
            return response;
        }

        public void Dispose() => _http.Dispose();
    }
}
