using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace PatientVoice.Testing.Load;

/// <summary>
/// One user's browser without a screen, over HTTP: cookies per host and port (<c>Secure</c> ones too, over loopback, as
/// Chromium keeps them), redirects followed by hand across PatientVoice and the EHR, and every page load or post timed
/// as one step of a journey in the <see cref="LoadRecorder"/>.
/// </summary>
public sealed partial class PageSession(HttpClient http, LoadRecorder recorder, int instance)
{
    private readonly CookieJar _cookies = new();

    /// <summary>Which PatientVoice instance this user is sent to (a load balancer's sticky session).</summary>
    public int Instance => instance;

    /// <summary>
    /// Sends the request and follows redirects (GET) until a page answers; records the step's latency and outcome.
    /// Returns the final page, or null when the step failed (transport error or an answer not in <paramref name="expected"/>).
    /// </summary>
    public async Task<PageAnswer?> StepAsync(string step, HttpMethod method, Uri url, HttpContent? content, CancellationToken cancellationToken,
        Func<HttpStatusCode, bool>? expected = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var begin = Stopwatch.GetTimestamp();
        try
        {
            var answer = await SendFollowingAsync(method, url, content, headers, cancellationToken);
            var ok = expected?.Invoke(answer.Status) ?? answer.Status == HttpStatusCode.OK;
            recorder.Record(step, Stopwatch.GetTimestamp() - begin, ok ? StepOutcome.Ok : StepOutcome.Error, instance,
                ok ? null : $"{(int)answer.Status} at {answer.Url.AbsolutePath}");
            return ok ? answer : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            recorder.Record(step, Stopwatch.GetTimestamp() - begin, StepOutcome.Error, instance, e.GetType().Name + ": " + e.Message);
            return null;
        }
    }

    private async Task<PageAnswer> SendFollowingAsync(HttpMethod method, Uri url, HttpContent? content, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            using var request = new HttpRequestMessage(method, url) { Content = content };
            request.Headers.Accept.ParseAdd(content is null || method == HttpMethod.Get ? "text/html" : "application/json, text/html");
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            _cookies.AddTo(request);
            using var response = await http.SendAsync(request, cancellationToken);
            _cookies.Take(url, response);

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.MovedPermanently
                && response.Headers.Location is { } location)
            {
                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                method = HttpMethod.Get;
                content = null;
                headers = null;
                continue;
            }

            return new PageAnswer(response.StatusCode, url, body);
        }

        throw new HttpRequestException($"More than 10 redirects from {url.AbsolutePath}.");
    }
}

/// <summary>The page a step ended on: its status, its address (after redirects) and its body.</summary>
public sealed partial record PageAnswer(HttpStatusCode Status, Uri Url, string Body)
{
    /// <summary>The page's antiforgery token (<c>@Html.AntiForgeryToken()</c>), or null.</summary>
    public string? AntiforgeryToken => Attribute(AntiforgeryInput(), "value");

    /// <summary>The (HTML-decoded) value of the first <c>name="value"</c> attribute after <paramref name="marker"/>'s match.</summary>
    public string? Attribute(Regex marker, string name)
    {
        var found = marker.Match(Body);
        if (!found.Success)
        {
            return null;
        }

        var value = new Regex($"\\b{Regex.Escape(name)}=\"([^\"]*)\"").Match(Body, found.Index);
        return value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : null;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"")]
    private static partial Regex AntiforgeryInput();
}
