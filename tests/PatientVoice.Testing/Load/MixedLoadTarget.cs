using System.Net;
using System.Text.Json;

namespace PatientVoice.Testing.Load;

/// <summary>
/// Where the virtual users go: PatientVoice's instances (each user sticks to one, as behind a load balancer with
/// session affinity) and the sandbox EHR that launches them. One HttpClient for all users: no cookies, no redirects
/// followed by itself (each <see cref="PageSession"/> keeps its own), a connection per user.
/// </summary>
public sealed class MixedLoadTarget : IDisposable
{
    private readonly HashSet<int> _down = [];

    public MixedLoadTarget(IReadOnlyList<Uri> appUrls, Uri ehrUrl, int users)
    {
        AppUrls = appUrls;
        EhrUrl = ehrUrl;
        Http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = Math.Max(4, users),
            AutomaticDecompression = DecompressionMethods.All,
        })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public IReadOnlyList<Uri> AppUrls { get; }

    public Uri EhrUrl { get; }

    public string Iss => new Uri(EhrUrl, "/fhir").AbsoluteUri;

    public HttpClient Http { get; }

    /// <summary>Takes an instance out of rotation, as a load balancer's health check does when it stops answering.</summary>
    public void MarkDown(int instance)
    {
        lock (_down)
        {
            _down.Add(instance);
        }
    }

    /// <summary>The next instance after <paramref name="instance"/> that is not marked down (itself if it is the only one).</summary>
    public int NextLiveInstance(int instance)
    {
        lock (_down)
        {
            for (var i = 1; i <= AppUrls.Count; i++)
            {
                var next = (instance + i) % AppUrls.Count;
                if (!_down.Contains(next))
                {
                    return next;
                }
            }

            return instance;
        }
    }

    /// <summary>
    /// The EHR creates a launch for <paramref name="context"/> (a user in it skips the sandbox's login and consent), and
    /// the user opens PatientVoice's <paramref name="launchPath"/> with it, through the authorization server, to the page
    /// the launch lands on. Timed as one step.
    /// </summary>
    public async Task<PageAnswer?> PortalLaunchAsync(PageSession session, string step, Uri app, object context, string launchPath, CancellationToken cancellationToken)
    {
        var created = await session.StepAsync("ehr: create launch", HttpMethod.Post, new Uri(EhrUrl, "/sandbox/launches"),
            JsonContent(context), cancellationToken, expected: status => status == HttpStatusCode.Created);
        if (created is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(created.Body);
        var launch = json.RootElement.GetProperty("launch").GetString()!;
        return await session.StepAsync(step, HttpMethod.Get,
            new Uri(app, $"{launchPath}?iss={Uri.EscapeDataString(Iss)}&launch={Uri.EscapeDataString(launch)}"), null, cancellationToken);
    }

    private static StringContent JsonContent(object value)
        => new(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), System.Text.Encoding.UTF8, "application/json");

    public void Dispose() => Http.Dispose();
}
