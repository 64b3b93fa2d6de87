using System.Net;

namespace PatientVoice.Web.Tests.Launch;

/// <summary>
/// A browser without a screen: keeps cookies per host and port (including <c>Secure</c> ones over http to
/// loopback, as Chromium does and .NET's CookieContainer does not), follows no redirect by itself, and records
/// every Set-Cookie header it receives.
/// </summary>
internal sealed class TestBrowser : IDisposable
{
    // Minutes, not the default 100 s: the first write of a run waits for the validator to warm up on a busy machine.
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromMinutes(5) };
    private readonly Dictionary<string, Dictionary<string, string>> _cookies = new(StringComparer.OrdinalIgnoreCase);

    public string? AcceptLanguage { get; set; }

    /// <summary>Every Set-Cookie header received, in order.</summary>
    public List<string> SetCookies { get; } = [];

    public string? Cookie(Uri site, string name)
        => _cookies.TryGetValue(site.Authority, out var jar) && jar.TryGetValue(name, out var value) ? value : null;

    public Task<HttpResponseMessage> GetAsync(string url, string accept = "text/html") => SendAsync(new HttpRequestMessage(HttpMethod.Get, url), accept);

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string accept = "text/html")
    {
        var uri = request.RequestUri!;
        request.Headers.Accept.ParseAdd(accept);
        if (AcceptLanguage is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(AcceptLanguage);
        }

        if (_cookies.TryGetValue(uri.Authority, out var jar) && jar.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await _http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var header in setCookies)
            {
                SetCookies.Add(header);
                Store(uri.Authority, header);
            }
        }

        return response;
    }

    public void Dispose() => _http.Dispose();

    private void Store(string authority, string header)
    {
        var parts = header.Split(';', StringSplitOptions.TrimEntries);
        var (name, value) = (parts[0][..parts[0].IndexOf('=', StringComparison.Ordinal)], parts[0][(parts[0].IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var expired = parts.Skip(1).Any(p =>
            p.Equals("max-age=0", StringComparison.OrdinalIgnoreCase)
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

internal static class ResponseExtensions
{
    public static Uri RedirectLocation(this HttpResponseMessage response)
    {
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther,
            $"expected a redirect, got {(int)response.StatusCode}");
        return response.Headers.Location!;
    }
}
