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
    private readonly Dictionary<string, Dictionary<string, string>> _cookies = new(StringComparer.OrdinalIgnoreCase);

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

            if (_cookies.TryGetValue(url.Authority, out var jar) && jar.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
            }

            using var response = await http.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var header in setCookies)
                {
                    Store(url.Authority, header);
                }
            }

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

    private void Store(string authority, string header)
    {
        var parts = header.Split(';', StringSplitOptions.TrimEntries);
        var equals = parts[0].IndexOf('=', StringComparison.Ordinal);
        var (name, value) = (parts[0][..equals], parts[0][(equals + 1)..]);
        var expired = parts.Skip(1).Any(p => p.Equals("max-age=0", StringComparison.OrdinalIgnoreCase)
            || (p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase)
                && DateTimeOffset.TryParse(p["expires=".Length..], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                && at < DateTimeOffset.UtcNow));
        if (!_cookies.TryGetValue(authority, out var jar))
        {
            _cookies[authority] = jar = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        if (expired || value.Length == 0)
        {
            jar.Remove(name);
        }
        else
        {
            jar[name] = value;
        }
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
