using System.Net;
using PatientVoice.Testing;

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
    private readonly CookieJar _cookies = new();

    public string? AcceptLanguage { get; set; }

    /// <summary>Every Set-Cookie header received, in order.</summary>
    public List<string> SetCookies { get; } = [];

    public string? Cookie(Uri site, string name) => _cookies.Get(site, name);

    public Task<HttpResponseMessage> GetAsync(string url, string accept = "text/html") => SendAsync(new HttpRequestMessage(HttpMethod.Get, url), accept);

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string accept = "text/html")
    {
        var uri = request.RequestUri!;
        request.Headers.Accept.ParseAdd(accept);
        if (AcceptLanguage is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(AcceptLanguage);
        }

        _cookies.AddTo(request);
        var response = await _http.SendAsync(request);
        SetCookies.AddRange(_cookies.Take(uri, response));

        return response;
    }

    public void Dispose() => _http.Dispose();
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
