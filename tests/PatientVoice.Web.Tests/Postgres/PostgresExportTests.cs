using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Application.Export;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage.Outbox;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Postgres;

/// <summary>Bulk Data <c>$export</c> on two instances sharing one PostgreSQL database and one export folder.</summary>
public sealed class PostgresExportTests(PostgresFhirServerFixture servers) : IClassFixture<PostgresFhirServerFixture>
{
    [Fact]
    public async Task An_export_kicked_off_on_one_instance_is_run_once_and_answered_by_either()
    {
        var writer = servers.First.CreateFhirClient();
        var patient = "pg-bulk-" + Guid.NewGuid().ToString("N")[..12];
        var goals = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var created = await writer.PostAsync("Goal", FhirJson.Content(FhirJson.Goal(patient, $"garden again {i}")));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            goals.Add((await FhirJson.ReadAsync<Goal>(created)).Id!);
        }

        var token = FhirServerFixture.Token("system/*.rs", clientId: "pg-exporter");
        var first = Client(servers.First, token);
        var second = Client(servers.Second, token);
        var kickOff = new HttpRequestMessage(HttpMethod.Get, $"$export?_type=Goal&_typeFilter={Uri.EscapeDataString($"Goal?patient=Patient/{patient}")}");
        kickOff.Headers.Add("Prefer", "respond-async");
        var accepted = await second.SendAsync(kickOff);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var statusUrl = accepted.Content.Headers.ContentLocation!.ToString();

        HttpResponseMessage status;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        do
        {
            await Task.Delay(100);
            status = await first.GetAsync(statusUrl);
        }
        while (status.StatusCode == HttpStatusCode.Accepted && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        using var manifest = JsonDocument.Parse(await status.Content.ReadAsStringAsync());
        var exported = new List<string>();
        foreach (var file in manifest.RootElement.GetProperty("output").EnumerateArray())
        {
            var lines = (await (await second.GetAsync(file.GetProperty("url").GetString())).Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            exported.AddRange(lines.Select(l => FhirSerializer.Parse<Goal>(l).Id!));
        }

        Assert.Equal(goals.Order(), exported.Order());
        var entry = await servers.First.Services.GetRequiredService<IOutbox>().FindAsync(ExportJob.Topic, statusUrl.Split('/')[^1], default);
        Assert.Equal(OutboxState.Completed, entry!.State);
        Assert.Equal(1, entry.Attempts);
    }

    private static HttpClient Client(PostgresInstance instance, string token)
    {
        var client = instance.CreateFhirClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
