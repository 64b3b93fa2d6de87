using System.Net;
using System.Text;

namespace PatientVoice.Testing;

/// <summary>
/// A tiny HTTP server on a free loopback port (HttpListener) that answers <c>/fhir/.well-known/smart-configuration</c>
/// with whatever document a test sets, and counts every request it receives, so tests can prove that a client
/// did, or did not, contact it.
/// </summary>
public sealed class StubEhr : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _requests;

    public StubEhr()
    {
        var port = FreePort.Next();
        Root = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Root + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Root { get; }

    public string FhirBase => Root + "/fhir";

    /// <summary>The discovery document's status and body.</summary>
    public (int Status, string Body) Discovery { get; set; } = (404, "");

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>A valid smart-configuration whose endpoints are on this stub; <paramref name="capabilities"/> as given.</summary>
    public string ValidDocument(params string[] capabilities)
        => $$"""
           {"issuer":"{{Root}}","authorization_endpoint":"{{Root}}/authorize","token_endpoint":"{{Root}}/token",
            "code_challenge_methods_supported":["S256"],"capabilities":[{{string.Join(',', capabilities.Select(c => $"\"{c}\""))}}]}
           """;

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            var (status, body) = context.Request.Url?.AbsolutePath == "/fhir/.well-known/smart-configuration" ? Discovery : (404, "");
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
