using System.Collections.Concurrent;
using System.Net;
using System.Text;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Durability;

/// <summary>
/// Several clients creating Goals as fast as the server takes them, each remembering every create the
/// server acknowledged (201 with a Location naming the id and version). A create that fails or is cut off
/// is not acknowledged and promises nothing.
/// </summary>
internal sealed class AcknowledgedCreates
{
    private readonly ConcurrentQueue<(string Id, int Version)> _acknowledged = new();

    public IReadOnlyCollection<(string Id, int Version)> Acknowledged => _acknowledged;

    public int Count => _acknowledged.Count;

    /// <summary>The first answer that was not a 201 (status and body), for a failure message; null if none.</summary>
    public string? FirstRejection { get; private set; }

    /// <summary>
    /// Reads each of <paramref name="creates"/> back from <paramref name="http"/> (at most <paramref name="clients"/> at a
    /// time): what is not served, or is served at another version than the one acknowledged, as one line each.
    /// </summary>
    public static async Task<IReadOnlyCollection<string>> NotServedAsync(HttpClient http, IEnumerable<(string Id, int Version)> creates, int clients, CancellationToken cancellationToken)
    {
        var missing = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(creates, new ParallelOptions { MaxDegreeOfParallelism = clients, CancellationToken = cancellationToken }, async (create, ct) =>
        {
            using var response = await http.GetAsync($"/fhir/Goal/{create.Id}", ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                missing.Add($"Goal/{create.Id}: {(int)response.StatusCode}");
                return;
            }

            using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var version = json.RootElement.GetProperty("meta").GetProperty("versionId").GetString();
            if (version != create.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                missing.Add($"Goal/{create.Id}: version {version}, acknowledged {create.Version}");
            }
        });
        return missing;
    }

    /// <summary>Runs <paramref name="clients"/> concurrent create loops until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(HttpClient http, int clients, CancellationToken stop)
        => Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(() => CreateLoopAsync(http, client, stop), CancellationToken.None)));

    private async Task CreateLoopAsync(HttpClient http, int client, CancellationToken stop)
    {
        var body = PatientStatedGoal.Json($"Patient/durability-{client}", "Walk to the shop without resting");
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/fhir+json");
                using var response = await http.PostAsync("/fhir/Goal", content, stop);
                if (response.StatusCode == HttpStatusCode.Created && response.Headers.Location is { } location)
                {
                    _acknowledged.Enqueue(Parse(location));
                }
                else if (FirstRejection is null)
                {
                    FirstRejection = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(stop)}";
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // The server is gone (killed) or we are stopping: this create was never acknowledged.
                if (!stop.IsCancellationRequested)
                {
                    await Task.Delay(10, CancellationToken.None);
                }
            }
        }
    }

    // .../fhir/Goal/{id}/_history/{version}
    private static (string Id, int Version) Parse(Uri location)
    {
        var segments = location.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (segments[^3], int.Parse(segments[^1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
