using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Application.EhrSync;
using PatientVoice.Storage;
using PatientVoice.Storage.Outbox;
using PatientVoice.Testing;
using Xunit.Abstractions;

namespace PatientVoice.Web.Tests.Operations;

/// <summary>
/// SIGTERM to the real server process while clients are writing and the EHR write-back worker holds a claim (its EHR
/// accepts the connection and never answers): requests in flight are answered, none with a 5xx, the process exits 0,
/// and the claim is handed back, so another instance can take it at once instead of after its 5-minute lease.
/// </summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private static readonly TimeSpan TestBudget = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task On_SIGTERM_requests_in_flight_are_answered_without_5xx_and_the_write_back_claim_is_handed_back()
    {
        using var budget = new CancellationTokenSource(TestBudget);
        using var directory = new ScratchDirectory();
        using var ehr = new SilentEhr();
        var database = Path.Combine(directory.Path, "patientvoice.db");
        var keyPath = Path.Combine(directory.Path, "ehrsync-key.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP384))
        {
            await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem(), budget.Token);
        }

        var settings = new ServerSettings(database)
        {
            RequestLogging = true,
            ExtraArguments =
            [
                "--EhrSync:Enabled=true",
                $"--EhrSync:FhirBaseUrl={ehr.FhirBase}",
                "--EhrSync:ClientId=graceful-shutdown",
                $"--EhrSync:PrivateKeyPath={keyPath}",
                "--EhrSync:KeyId=graceful-shutdown",
                "--EhrSync:Lease=00:05:00",
                "--EhrSync:PollInterval=00:00:00.200",
                // The EHR never answers: make the client wait far longer than the test, so only the shutdown ends the delivery.
                "--EhrSync:TokenTimeout=00:10:00",
                "--EhrSync:Resilience:AttemptTimeout:Timeout=00:10:00",
                "--EhrSync:Resilience:TotalRequestTimeout:Timeout=00:20:00",
                "--EhrSync:Resilience:CircuitBreaker:SamplingDuration=00:20:00",
                "--Hosting:ShutdownTimeout=00:00:20",
            ],
        };
        var calls = new ConcurrentBag<Call>();
        long terminatedAt;
        int exitCode;
        string serverOutput;

        await using (var server = await ServerProcess.StartAsync(settings, budget.Token))
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients, UseProxy = false }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", ServerProcess.Authorization());

            var submission = FhirJson.CompletedResponse("my-goals");
            submission.Subject = submission.Author = new Hl7.Fhir.Model.ResourceReference("Patient/shutdown-1");
            submission.Source = submission.Subject;
            using (var submitted = await http.PostAsync("/fhir/QuestionnaireResponse", FhirJson.Content(submission), budget.Token))
            {
                Assert.True(submitted.StatusCode == HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync(budget.Token));
            }

            // The worker claimed the write-back and is waiting on the EHR.
            await WaitUntilAsync(() => ehr.Connections > 0, budget.Token);
            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(budget.Token);
            var load = Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(() => CreateLoopAsync(http, client, calls, stopLoad.Token), CancellationToken.None)));
            await WaitUntilAsync(() => calls.Count(c => c.Status == 201) >= 40, budget.Token);

            terminatedAt = Stopwatch.GetTimestamp();
            server.Terminate();
            Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), "The server did not exit within 60 s of SIGTERM.");
            exitCode = server.ExitCode;
            await stopLoad.CancelAsync();
            await load;
            serverOutput = server.RecentOutput;
        }

        var answered = calls.Where(c => c.Status is not null).ToList();
        var inFlight = answered.Where(c => c.Started < terminatedAt && c.Ended > terminatedAt).ToList();
        output.WriteLine($"{answered.Count} answers, {calls.Count - answered.Count} requests refused or cut off after SIGTERM, {inFlight.Count} in flight at SIGTERM and answered: "
            + string.Join(", ", inFlight.GroupBy(c => c.Status).Select(g => $"{g.Key} x{g.Count()}")));
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{serverOutput}");
        Assert.DoesNotContain(answered, c => c.Status >= 500);
        Assert.NotEmpty(inFlight);
        Assert.All(inFlight, c => Assert.Equal(201, c.Status));

        await using var services = new ServiceCollection().AddLogging().AddSqliteResourceStore(o => o.Path = database).BuildServiceProvider();
        var store = services.GetRequiredService<IResourceStore>();
        await store.InitializeAsync(budget.Token);
        foreach (var call in inFlight)
        {
            Assert.NotNull(await store.ReadAsync("Goal", call.Id!, budget.Token));
        }

        // Another instance's worker can take the write-back now, not in five minutes.
        var claims = await ((IOutbox)store).ClaimDueAsync(EhrSyncMessage.Topic, 10, TimeSpan.FromMinutes(1), budget.Token);
        Assert.True(claims.Count == 1, $"{claims.Count} write-backs claimable right after the shutdown; the server's output:\n{serverOutput}");
    }

    private static async Task CreateLoopAsync(HttpClient http, int client, ConcurrentBag<Call> calls, CancellationToken stop)
    {
        var body = PatientStatedGoal.Json($"Patient/shutdown-{client}", "Walk to the shop without resting");
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/fhir+json");
                using var response = await http.PostAsync("/fhir/Goal", content, stop);
                var id = response.Headers.Location?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[^3];
                calls.Add(new Call(started, Stopwatch.GetTimestamp(), (int)response.StatusCode, id));
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // Refused or cut off once the server stopped taking connections: never acknowledged, and no answer.
                calls.Add(new Call(started, Stopwatch.GetTimestamp(), null, null));
                if (!stop.IsCancellationRequested)
                {
                    await Task.Delay(20, CancellationToken.None);
                }
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    private sealed record Call(long Started, long Ended, int? Status, string? Id);
}
