using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Storage;
using PatientVoice.Storage.Outbox;
using PatientVoice.Application.EhrSync;

namespace PatientVoice.Web.Tests.EhrSync;

/// <summary>The in-process server, where write-back is off (the default): nothing is queued; the status reader reads Tasks.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class EhrSyncStatusTests(FhirServerFixture server)
{
    // The first submission waits for the shared validator to warm up: minutes on a loaded machine, not 100 s.
    private readonly HttpClient _client = Patient(server.CreateFhirClient());

    [Fact]
    public async Task With_write_back_off_a_submission_queues_nothing_and_has_no_status()
    {
        var patient = "p-" + Guid.NewGuid().ToString("N")[..12];
        var response = FhirJson.CompletedResponse("my-goals");
        response.Subject = new ResourceReference($"Patient/{patient}");
        response.Author = new ResourceReference($"Patient/{patient}");
        response.Source = null;

        var submitted = await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(response)));

        Assert.Null(await server.Services.GetRequiredService<IOutbox>().FindAsync(EhrSyncMessage.Topic, $"{submitted.Id}/1", default));
        Assert.Null(await server.Services.GetRequiredService<EhrSyncStatusReader>().ForResponseAsync(submitted.Id, default));
        var tasks = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Task?focus=QuestionnaireResponse/{submitted.Id}"));
        Assert.Empty(tasks.Entry);
    }

    [Theory]
    [InlineData(DeliveryState.Queued, "Waiting to be sent")]
    [InlineData(DeliveryState.Retrying, "Waiting to be sent")]
    [InlineData(DeliveryState.Delivered, "Sent to your care team's record.")]
    [InlineData(DeliveryState.Failed, "could not send")]
    public async Task The_status_reader_tells_the_patient_where_the_latest_write_back_stands(DeliveryState state, string words)
    {
        var responseId = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        await WriteAsync(EhrSyncTask.Create(new EhrSyncMessage(responseId, 1, "prov", "Patient/x", []), DeliveryState.Delivered, null, [], now, now));
        // The reader takes the most recently updated Task; the store's clock has millisecond precision, and the
        // worker never writes two versions' Tasks in the same millisecond: neither may this test.
        await Task.Delay(5);
        await WriteAsync(EhrSyncTask.Create(new EhrSyncMessage(responseId, 2, "prov", "Patient/x", []), state, state == DeliveryState.Failed ? "refused by the EHR: 422" : null, [], now, now));

        var status = await server.Services.GetRequiredService<EhrSyncStatusReader>().ForResponseAsync(responseId, default);

        Assert.NotNull(status);
        Assert.Equal(state, status.State);
        Assert.Equal($"ehrsync-{responseId}-2", status.TaskId);
        Assert.Contains(words, status.PatientMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("422", status.PatientMessage, StringComparison.Ordinal);
    }

    private static HttpClient Patient(HttpClient client)
    {
        client.Timeout = TimeSpan.FromMinutes(5);
        return client;
    }

    private async System.Threading.Tasks.Task WriteAsync(Resource resource)
    {
        var store = server.Services.GetRequiredService<IResourceStore>();
        await using var session = await store.BeginWriteAsync(default);
        await session.PutAsync(resource, null, default);
        await session.CommitAsync(default);
    }
}
