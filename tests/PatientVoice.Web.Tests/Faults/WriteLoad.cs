using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using PatientVoice.Testing;

using PatientVoice.Web.Tests.Durability;

namespace PatientVoice.Web.Tests.Faults;

/// <summary>
/// A simple concurrent write load for fault tests: N clients creating Goals over real HTTP until stopped, keeping every
/// create the server acknowledged (201 + Location) and every other answer (status, whether its body was an
/// OperationOutcome, how long it took), each stamped with the phase of the fault it was sent in.
/// </summary>
internal sealed class WriteLoad
{
    private readonly ConcurrentQueue<(string Id, int Version)> _acknowledged = new();
    private readonly ConcurrentQueue<Answer> _answers = new();
    private volatile string _phase = "before";
    private int _clients;

    /// <summary>One answer other than a 201 (or no answer: <see cref="Status"/> 0).</summary>
    public sealed record Answer(string Phase, int Status, bool IsOperationOutcome, TimeSpan Took, string Detail);

    public IReadOnlyCollection<(string Id, int Version)> Acknowledged => _acknowledged;

    public IReadOnlyCollection<Answer> Refused => _answers;

    /// <summary>Acknowledged creates per phase.</summary>
    public ConcurrentDictionary<string, int> AcknowledgedIn { get; } = new();

    /// <summary>The longest any request took, answered or not.</summary>
    public TimeSpan Longest { get; private set; }

    /// <summary>Names what the following requests are sent during (e.g. "down", "after").</summary>
    public string Phase
    {
        get => _phase;
        set => _phase = value;
    }

    public Task RunAsync(HttpClient http, int clients, CancellationToken stop)
    {
        _clients = clients;
        return Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(() => LoopAsync(http, client, stop), CancellationToken.None)));
    }

    private async Task LoopAsync(HttpClient http, int client, CancellationToken stop)
    {
        var body = PatientStatedGoal.Json($"Patient/fault-{client}", "Walk to the shop without resting");
        while (!stop.IsCancellationRequested)
        {
            var phase = _phase;
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/fhir+json");
                using var response = await http.PostAsync("/fhir/Goal", content, stop);
                var took = Stopwatch.GetElapsedTime(started);
                Record(took);
                if (response.StatusCode == HttpStatusCode.Created && response.Headers.Location is { } location)
                {
                    var segments = location.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
                    _acknowledged.Enqueue((segments[^3], int.Parse(segments[^1], System.Globalization.CultureInfo.InvariantCulture)));
                    AcknowledgedIn.AddOrUpdate(phase, 1, (_, n) => n + 1);
                }
                else
                {
                    var text = await response.Content.ReadAsStringAsync(stop);
                    _answers.Enqueue(new Answer(phase, (int)response.StatusCode, IsOperationOutcome(text), took, text.Length > 300 ? text[..300] : text));
                    await Task.Delay(20, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // No answer at all (a client timeout or a dropped connection): the server hung or went away.
                var took = Stopwatch.GetElapsedTime(started);
                Record(took);
                _answers.Enqueue(new Answer(phase, 0, false, took, e.GetType().Name));
            }
        }
    }

    private void Record(TimeSpan took)
    {
        lock (_answers)
        {
            if (took > Longest)
            {
                Longest = took;
            }
        }
    }

    public static bool IsOperationOutcome(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.TryGetProperty("resourceType", out var type) && type.GetString() == "OperationOutcome";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Nothing half-written: every Goal version in <c>_history</c> is a current Goal that search finds through its index
    /// rows (the load only creates), and every acknowledged create is served at its version.
    /// </summary>
    public async Task<(int History, int Searchable, IReadOnlyCollection<string> Missing)> VerifyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var missing = await AcknowledgedCreates.NotServedAsync(http, Acknowledged, 4, cancellationToken);
        using var history = JsonDocument.Parse(await http.GetStringAsync("/fhir/Goal/_history?_count=1", cancellationToken));
        var searchable = 0;
        for (var client = 0; client < _clients; client++)
        {
            using var search = JsonDocument.Parse(await http.GetStringAsync($"/fhir/Goal?patient=Patient/fault-{client}&_summary=count", cancellationToken));
            searchable += search.RootElement.GetProperty("total").GetInt32();
        }

        return (history.RootElement.GetProperty("total").GetInt32(), searchable, missing);
    }
}
