using System.Net;
using System.Net.Sockets;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Launch;

/// <summary>
/// A browser without a screen: keeps cookies per host and port (including <c>Secure</c> ones over http to
/// loopback, as Chromium does and .NET's CookieContainer does not), follows no redirect by itself, and records
/// every Set-Cookie header it receives.
/// </summary>
internal sealed class TestBrowser : IDisposable
{
    private readonly HttpClient _http;
    private readonly CookieJar _cookies = new();

    /// <param name="source">
    /// The loopback address the browser connects from (127.0.0.1 when null): a device of its own as the server sees it,
    /// e.g. so the one-time link's per-address look-up limit counts this browser apart from the other tests' ones.
    /// </param>
    public TestBrowser(IPAddress? source = null)
    {
        var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, UseProxy = false };
        if (source is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        // Minutes, not the default 100 s: the first write of a run waits for the validator to warm up on a busy machine.
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(5) };
    }

    /// <summary>A loopback address of its own (127.x.y.z), for <see cref="TestBrowser(IPAddress)"/>.</summary>
    public static IPAddress NewLoopbackAddress() => new([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(2, 255)]);

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
