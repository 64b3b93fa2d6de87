using System.Net;
using Hl7.Fhir.Model;
using PatientVoice.Application.Subscriptions;
using PatientVoice.Testing;
using Xunit.Abstractions;

namespace PatientVoice.Web.Tests.Subscriptions;

/// <summary>
/// Notifications survive the server dying: the real server process (SQLite file) is killed with SIGKILL while it holds
/// an event's delivery under lease and more events wait behind it; after a restart on the same file every event
/// reaches the subscriber, numbered 1..n without a gap and in order (the one in flight is sent again with its number —
/// delivery is at least once, ADR 0023).
/// </summary>
public sealed class SubscriptionRestartTests(ITestOutputHelper output)
{
    private const int Events = 4;
    private static readonly TimeSpan TestBudget = TimeSpan.FromSeconds(240);

    private static readonly string[] DeliverySettings =
    [
        "--Subscriptions:AllowHttpLoopback=true",
        "--Subscriptions:PollInterval=00:00:00.500",
        "--Subscriptions:RetryDelay=00:00:00.500",
        "--Subscriptions:MaxRetryDelay=00:00:02",
        // A short lease (it must outlast the longest delivery timeout by 10 s), so the killed instance's claim runs out
        // by the time the restarted one is ready.
        "--Subscriptions:DefaultTimeoutSeconds=5",
        "--Subscriptions:MaxTimeoutSeconds=5",
        "--Subscriptions:Lease=00:00:16",
    ];

    [Fact]
    public async System.Threading.Tasks.Task Events_queued_or_in_flight_when_the_server_is_killed_are_all_delivered_in_order_after_a_restart()
    {
        using var budget = new CancellationTokenSource(TestBudget);
        using var directory = new ScratchDirectory();
        var settings = new ServerSettings(Path.Combine(directory.Path, "subscriptions.db")) { ExtraArguments = DeliverySettings };
        await using var receiver = await Receiver.StartAsync();
        var patient = "restart-" + Guid.NewGuid().ToString("N")[..12];
        var submitted = new List<string>();
        string subscription;

        await using (var server = await ServerProcess.StartAsync(settings, budget.Token))
        {
            using var http = NewClient(server.BaseAddress);
            var created = await FhirJson.ReadAsync<Subscription>(await http.PostAsync("Subscription", FhirJson.Content(
                SubscriptionTests.NewSubscription(SubscriptionTopics.QuestionnaireSubmitted, receiver.Endpoint, "id-only", $"QuestionnaireResponse?patient=Patient/{patient}"))));
            subscription = created.Id;
            await receiver.WaitForAsync(r => r.Statuses("handshake").Count == 1, "the handshake");

            // The receiver holds the first delivery open: the server has event 1 claimed and in flight, the rest queued behind it.
            receiver.Mode = ReceiverMode.Slow;
            for (var i = 0; i < Events; i++)
            {
                var response = await http.PostAsync("QuestionnaireResponse", FhirJson.Content(SubscriptionTests.Response(patient)));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                submitted.Add((await FhirJson.ReadAsync<QuestionnaireResponse>(response)).Id);
            }

            await receiver.WaitForAsync(r => r.Pending == 1, "event 1 in flight");
            Assert.Equal(137, await server.KillAsync());
            output.WriteLine($"Killed server {server.ProcessId} with event 1 of {Events} in flight.");
        }

        receiver.Mode = ReceiverMode.Ok;
        Assert.Empty(receiver.Statuses("event-notification"));

        await using (var restarted = await ServerProcess.StartAsync(settings, budget.Token))
        {
            await receiver.WaitForAsync(r => r.Statuses("event-notification").Count >= Events, $"{Events} events after the restart", seconds: 120);
            var delivered = receiver.Statuses("event-notification");
            Assert.Equal(Enumerable.Range(1, Events).Select(n => (long)n), delivered.SelectMany(s => s.EventNumbers()));
            Assert.Equal(submitted.Select(id => $"QuestionnaireResponse/{id}"), delivered.Select(s => s.Focus()!.Split('/')[^2] + "/" + s.Focus()!.Split('/')[^1]));

            using var http = NewClient(restarted.BaseAddress);
            var status = (Parameters)(await FhirJson.ReadAsync<Bundle>(await http.GetAsync($"Subscription/{subscription}/$status"))).Entry[0].Resource;
            Assert.Equal("active", status.GetSingleValue<Code>("status").Value);
            Assert.Equal(Events.ToString(System.Globalization.CultureInfo.InvariantCulture), status.GetSingleValue<FhirString>("events-since-subscription-start").Value);
            output.WriteLine($"Restarted server {restarted.ProcessId}: {delivered.Count} events delivered in order.");
        }
    }

    private static HttpClient NewClient(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseAddress, "/fhir/"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", ServerProcess.Authorization());
        return client;
    }
}
