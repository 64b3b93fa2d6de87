using PatientVoice.Application;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Application.Export;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Outbox;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Export;

/// <summary>
/// Bulk Data Access 2.0.0 <c>$export</c> through the real host: kick-off, status, manifest, files, Group and Patient
/// level, the token's reach, cancellation, expiry, interrupted jobs, and the audit trail. Each test makes its own
/// patients (fresh ids), so what an export of them holds is known exactly.
/// </summary>
public sealed class BulkExportTests(ExportServerFixture server) : IClassFixture<ExportServerFixture>
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task A_system_export_answers_202_then_a_manifest_whose_ndjson_files_hold_exactly_the_matching_resources()
    {
        var patient = NewPatient();
        var goals = await CreateGoalsAsync(patient, 3);
        var exporter = Exporter();

        var kickOff = await KickOffAsync(exporter, $"$export?_type=Goal&_typeFilter={Uri.EscapeDataString($"Goal?patient=Patient/{patient}")}");
        Assert.Equal(HttpStatusCode.Accepted, kickOff.StatusCode);
        var statusUrl = StatusUrl(kickOff);
        Assert.StartsWith("http://localhost/fhir/$export-status/", statusUrl, StringComparison.Ordinal);

        var manifest = await ManifestAsync(exporter, statusUrl);

        Assert.True(manifest.GetProperty("requiresAccessToken").GetBoolean());
        Assert.True(DateTimeOffset.TryParse(manifest.GetProperty("transactionTime").GetString(), out _));
        Assert.Equal($"http://localhost/fhir/$export?_type=Goal&_typeFilter={Uri.EscapeDataString($"Goal?patient=Patient/{patient}")}", manifest.GetProperty("request").GetString());
        var output = manifest.GetProperty("output").EnumerateArray().ToList();
        Assert.All(output, o => Assert.Equal("Goal", o.GetProperty("type").GetString()));
        // Two resources a file (Export:MaxResourcesPerFile in the fixture): three Goals make two files.
        Assert.Equal([2, 1], output.Select(o => o.GetProperty("count").GetInt32()));
        var exported = new List<Goal>();
        foreach (var file in output)
        {
            var response = await exporter.GetAsync(file.GetProperty("url").GetString());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/fhir+ndjson", response.Content.Headers.ContentType?.MediaType);
            exported.AddRange(Lines(await response.Content.ReadAsStringAsync()).Select(FhirSerializer.Parse<Goal>));
        }

        Assert.Equal(goals.Order(), exported.Select(g => g.Id).Order());
        Assert.All(exported, g => Assert.Equal($"Patient/{patient}", g.Subject.Reference));
        Assert.Empty(manifest.GetProperty("error").EnumerateArray());
    }

    [Fact]
    public async Task A_resource_matched_by_two_type_filters_is_exported_once()
    {
        var patient = NewPatient();
        var goals = await CreateGoalsAsync(patient, 3);
        var exporter = Exporter();
        // Both filters match every one of the patient's goals (ORed, as the IG says): each is still one line.
        var byPatient = Uri.EscapeDataString($"Goal?patient=Patient/{patient}");
        var bySubject = Uri.EscapeDataString($"Goal?subject=Patient/{patient}");

        var manifest = await ManifestAsync(exporter, StatusUrl(await KickOffAsync(exporter, $"$export?_type=Goal&_typeFilter={byPatient}&_typeFilter={bySubject}")));

        var exported = await ExportedAsync(exporter, manifest, "Goal");
        Assert.Equal(goals.Order(), exported.Select(g => g.Id).Order());
        Assert.Equal(goals.Count, manifest.GetProperty("output").EnumerateArray().Sum(o => o.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task A_kick_off_without_prefer_respond_async_or_with_a_wrong_parameter_is_a_400_operation_outcome()
    {
        var exporter = Exporter();

        var notAsync = await exporter.GetAsync("$export");
        var unknownParameter = await KickOffAsync(exporter, "$export?_elements=id");
        var csv = await KickOffAsync(exporter, "$export?_outputFormat=text/csv");
        var since = await KickOffAsync(exporter, "$export?_since=yesterday");
        var filter = await KickOffAsync(exporter, $"$export?_type=Goal&_typeFilter={Uri.EscapeDataString("Goal?no-such-parameter=1")}");
        var unknownType = await KickOffAsync(exporter, "$export?_type=Banana");
        var patientOnSystem = await PostKickOffAsync(exporter, "$export", new Parameters().Add("patient", new ResourceReference("Patient/x")));

        foreach (var response in new[] { notAsync, unknownParameter, csv, since, filter, unknownType, patientOnSystem })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotEmpty((await FhirJson.ReadAsync<OperationOutcome>(response)).Issue);
        }
    }

    [Fact]
    public async Task The_ig_output_format_aliases_are_accepted_and_lenient_handling_leaves_an_unsupported_parameter_out_saying_so_in_the_error_file()
    {
        var patient = NewPatient();
        await CreateGoalsAsync(patient, 1);
        var exporter = Exporter();
        var filter = Uri.EscapeDataString($"Goal?patient=Patient/{patient}");

        foreach (var format in new[] { "application/fhir+ndjson", "application/ndjson", "ndjson" })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await KickOffAsync(exporter, $"$export?_type=Goal&_typeFilter={filter}&_outputFormat={Uri.EscapeDataString(format)}")).StatusCode);
        }

        var lenient = await KickOffAsync(exporter, $"$export?_type=Goal&_typeFilter={filter}&_elements=id", lenient: true);
        Assert.Equal(HttpStatusCode.Accepted, lenient.StatusCode);
        var manifest = await ManifestAsync(exporter, StatusUrl(lenient));

        Assert.Equal(1, manifest.GetProperty("output").EnumerateArray().Single().GetProperty("count").GetInt32());
        var error = manifest.GetProperty("error").EnumerateArray().Single();
        Assert.Equal("OperationOutcome", error.GetProperty("type").GetString());
        var outcome = FhirSerializer.Parse<OperationOutcome>(Lines(await (await exporter.GetAsync(error.GetProperty("url").GetString())).Content.ReadAsStringAsync()).Single());
        Assert.Contains("_elements", outcome.Issue.Single().Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_holds_only_the_types_the_token_can_read_and_a_type_asked_for_without_scope_is_a_403()
    {
        var goalsOnly = server.CreateFhirClient(LongToken("system/Goal.rs", "goals-only-" + Guid.NewGuid().ToString("N")[..8]));

        var refused = await KickOffAsync(goalsOnly, "$export?_type=Goal,Observation");
        var everything = await KickOffAsync(goalsOnly, "$export");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, everything.StatusCode);
        var manifest = await ManifestAsync(goalsOnly, StatusUrl(everything));
        Assert.All(manifest.GetProperty("output").EnumerateArray(), o => Assert.Equal("Goal", o.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_patient_token_exports_only_its_own_patients_compartment()
    {
        var mine = NewPatient();
        var other = NewPatient();
        var myGoals = await CreateGoalsAsync(mine, 2);
        await CreateGoalsAsync(other, 2);
        var patientClient = server.CreateFhirClient(LongToken("patient/*.rs", "patient-app-" + Guid.NewGuid().ToString("N")[..8], mine));

        var kickOff = await KickOffAsync(patientClient, "Patient/$export?_type=Goal");
        var exported = await ExportedAsync(patientClient, await ManifestAsync(patientClient, StatusUrl(kickOff)), "Goal");

        Assert.Equal(myGoals.Order(), exported.Select(g => g.Id).Order());
    }

    [Fact]
    public async Task A_patient_level_export_covers_every_patients_compartment()
    {
        var first = await CreateGoalsAsync(NewPatient(), 1);
        var second = await CreateGoalsAsync(NewPatient(), 1);
        var exporter = Exporter();

        var exported = await ExportedAsync(exporter, await ManifestAsync(exporter, StatusUrl(await KickOffAsync(exporter, "Patient/$export?_type=Goal"))), "Goal");

        Assert.Contains(first.Single(), exported.Select(g => g.Id));
        Assert.Contains(second.Single(), exported.Select(g => g.Id));
    }

    [Fact]
    public async Task A_group_export_holds_the_compartments_of_its_active_members_only_and_the_patient_parameter_narrows_it()
    {
        var (a, b, inactive, outsider) = (NewPatient(), NewPatient(), NewPatient(), NewPatient());
        var goalsA = await CreateGoalsAsync(a, 1);
        var goalsB = await CreateGoalsAsync(b, 2);
        await CreateGoalsAsync(inactive, 1);
        await CreateGoalsAsync(outsider, 1);
        var group = await CreateGroupAsync("Patients of the heart failure clinic", (a, false), (b, false), (inactive, true));
        var exporter = Exporter();

        var whole = await ExportedAsync(exporter, await ManifestAsync(exporter, StatusUrl(await KickOffAsync(exporter, $"Group/{group}/$export?_type=Goal"))), "Goal");
        var narrowed = await ExportedAsync(exporter, await ManifestAsync(exporter, StatusUrl(await PostKickOffAsync(exporter, $"Group/{group}/$export",
            new Parameters().Add("_type", new FhirString("Goal")).Add("patient", new ResourceReference($"Patient/{a}"))))), "Goal");
        var unknown = await KickOffAsync(exporter, "Group/no-such-group/$export");

        Assert.Equal(goalsA.Concat(goalsB).Order(), whole.Select(g => g.Id).Order());
        Assert.Equal(goalsA, narrowed.Select(g => g.Id));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Status_and_files_answer_only_a_token_of_the_client_that_started_the_export()
    {
        await CreateGoalsAsync(NewPatient(), 1);
        var exporter = Exporter();
        var statusUrl = StatusUrl(await KickOffAsync(exporter, "$export?_type=Goal"));
        var fileUrl = (await ManifestAsync(exporter, statusUrl)).GetProperty("output").EnumerateArray().First().GetProperty("url").GetString();
        var otherClient = Exporter();
        var anonymous = server.CreateFhirClient(accessToken: null);

        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.GetAsync(statusUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.GetAsync(fileUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.DeleteAsync(statusUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(statusUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(fileUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await exporter.GetAsync(fileUrl)).StatusCode);
    }

    [Fact]
    public async Task Delete_cancels_an_export_and_removes_its_files_then_its_status_is_404()
    {
        await CreateGoalsAsync(NewPatient(), 1);
        var exporter = Exporter();
        var statusUrl = StatusUrl(await KickOffAsync(exporter, "$export?_type=Goal"));
        var fileUrl = (await ManifestAsync(exporter, statusUrl)).GetProperty("output").EnumerateArray().First().GetProperty("url").GetString();
        var jobId = statusUrl.Split('/')[^1];

        var deleted = await exporter.DeleteAsync(statusUrl);

        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await exporter.GetAsync(statusUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await exporter.GetAsync(fileUrl)).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(server.ExportFolder, jobId)));
        Assert.Equal(HttpStatusCode.NotFound, (await exporter.DeleteAsync(statusUrl)).StatusCode);
    }

    [Fact]
    public async Task Delete_of_a_queued_export_cancels_it_before_it_runs()
    {
        var exporter = Exporter();
        var job = await QueueBehindTheWorkersBackAsync(exporter);

        var deleted = await exporter.DeleteAsync($"$export-status/{job.Id}");
        server.Services.GetRequiredService<WorkerSignal<ExportWorker>>().Notify();

        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await exporter.GetAsync($"$export-status/{job.Id}")).StatusCode);
        var entry = await server.Services.GetRequiredService<IOutbox>().FindAsync(ExportJob.Topic, job.Id, default);
        Assert.Equal(OutboxState.Failed, entry!.State);
        Assert.Equal(ExportJob.CancelledReason, entry.LastError);
    }

    [Fact]
    public async Task Files_expire_after_the_retention_answering_410_and_are_deleted()
    {
        await CreateGoalsAsync(NewPatient(), 1);
        var exporter = Exporter();
        var statusUrl = StatusUrl(await KickOffAsync(exporter, "$export?_type=Goal"));
        var fileUrl = (await ManifestAsync(exporter, statusUrl)).GetProperty("output").EnumerateArray().First().GetProperty("url").GetString();
        var jobId = statusUrl.Split('/')[^1];
        Assert.True(Directory.Exists(Path.Combine(server.ExportFolder, jobId)));

        using (server.Clock.Shift(ExportServerFixture.Retention + TimeSpan.FromMinutes(1)))
        {
            Assert.Equal(HttpStatusCode.Gone, (await exporter.GetAsync(statusUrl)).StatusCode);
            var gone = await exporter.GetAsync(fileUrl);
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
            Assert.Equal(OperationOutcome.IssueType.Deleted, (await FhirJson.ReadAsync<OperationOutcome>(gone)).Issue.Single().Code);
            await server.Worker.SweepAsync(default);
        }

        Assert.False(Directory.Exists(Path.Combine(server.ExportFolder, jobId)));
    }

    [Fact]
    public async Task A_job_whose_instance_died_is_run_again_when_its_lease_runs_out()
    {
        var patient = NewPatient();
        var goals = await CreateGoalsAsync(patient, 1);
        var exporter = Exporter();
        var job = await QueueBehindTheWorkersBackAsync(exporter, $"patient=Patient/{patient}");
        var outbox = server.Services.GetRequiredService<IOutbox>();

        // Another instance claims the job (when it falls due) and dies without a word: the job is its until the lease runs out.
        using var due = server.Clock.Shift(QueuedAhead);
        Assert.Single(await outbox.ClaimDueAsync(ExportJob.Topic, 1, TimeSpan.FromMinutes(2), default));
        Assert.Equal(HttpStatusCode.Accepted, (await exporter.GetAsync($"$export-status/{job.Id}")).StatusCode);
        using var leaseOver = server.Clock.Shift(TimeSpan.FromMinutes(3));
        server.Services.GetRequiredService<WorkerSignal<ExportWorker>>().Notify();
        var manifest = await ManifestAsync(exporter, $"$export-status/{job.Id}");

        Assert.Equal(goals, (await ExportedAsync(exporter, manifest, "Goal")).Select(g => g.Id));
        Assert.False(Directory.Exists(Path.Combine(server.ExportFolder, job.Id, "attempt-1")));
        Assert.True(Directory.Exists(Path.Combine(server.ExportFolder, job.Id, "attempt-2")));
    }

    [Fact]
    public async Task A_job_interrupted_too_often_fails_visibly_with_the_reason()
    {
        var exporter = Exporter();
        var job = await QueueBehindTheWorkersBackAsync(exporter);
        var outbox = server.Services.GetRequiredService<IOutbox>();
        var shifts = new List<IDisposable> { server.Clock.Shift(QueuedAhead) };
        try
        {
            for (var run = 0; run < 3; run++)
            {
                Assert.Single(await outbox.ClaimDueAsync(ExportJob.Topic, 1, TimeSpan.FromMinutes(2), default));
                shifts.Add(server.Clock.Shift(TimeSpan.FromMinutes(3)));
            }

            server.Services.GetRequiredService<WorkerSignal<ExportWorker>>().Notify();
            var status = await WaitWhileRunningAsync(exporter, $"$export-status/{job.Id}");

            Assert.Equal(HttpStatusCode.InternalServerError, status.StatusCode);
            Assert.Contains("interrupted 3 times", (await FhirJson.ReadAsync<OperationOutcome>(status)).Issue.Single().Diagnostics, StringComparison.Ordinal);
        }
        finally
        {
            shifts.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task While_an_export_is_queued_its_status_is_202_with_progress_and_retry_after()
    {
        var exporter = Exporter();
        var job = await QueueBehindTheWorkersBackAsync(exporter);

        var status = await exporter.GetAsync($"$export-status/{job.Id}");

        Assert.Equal(HttpStatusCode.Accepted, status.StatusCode);
        Assert.Equal("queued", string.Join("", status.Headers.GetValues("X-Progress")));
        Assert.Equal(TimeSpan.FromSeconds(1), status.Headers.RetryAfter?.Delta);
        await exporter.DeleteAsync($"$export-status/{job.Id}");
    }

    [Fact]
    public async Task Kick_off_poll_and_download_are_each_audited_with_the_client()
    {
        await CreateGoalsAsync(NewPatient(), 1);
        var client = "audited-" + Guid.NewGuid().ToString("N")[..8];
        var exporter = server.CreateFhirClient(FhirServerFixture.Token("system/*.rs", clientId: client));
        var statusUrl = StatusUrl(await KickOffAsync(exporter, "$export?_type=Goal"));
        var fileUrl = (await ManifestAsync(exporter, statusUrl)).GetProperty("output").EnumerateArray().First().GetProperty("url").GetString();
        await exporter.GetAsync(fileUrl);
        var auditor = server.CreateFhirClient(FhirServerFixture.Token("system/AuditEvent.rs", clientId: "export-auditor"));

        var interactions = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !(interactions.Contains("export-system") && interactions.Contains("export-status") && interactions.Contains("export-file")))
        {
            await Task.Delay(200);
            var bundle = await FhirJson.ReadAsync<Bundle>(await auditor.GetAsync($"AuditEvent?_count=100&agent:identifier={Uri.EscapeDataString(TestTokens.Issuer + "|" + client)}"));
            interactions = bundle.Entry.Select(e => e.Resource).OfType<AuditEvent>().SelectMany(a => a.Subtype).Select(c => c.Display ?? string.Empty).ToList();
        }

        Assert.Contains("export-system", interactions);
        Assert.Contains("export-status", interactions);
        Assert.Contains("export-file", interactions);
    }

    [Fact]
    public async Task The_capability_statement_instantiates_bulk_data_and_lists_the_three_export_operations_and_group()
    {
        var statement = await FhirJson.ReadAsync<CapabilityStatement>(await _client.GetAsync("metadata"));

        Assert.Contains("http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data", statement.Instantiates);
        var rest = statement.Rest.Single();
        Assert.Contains(rest.Operation, o => o.Name == "export" && o.Definition == "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export");
        Assert.Contains(rest.Resource.Single(r => r.Type == "Patient").Operation, o => o.Definition == "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export");
        var group = rest.Resource.Single(r => r.Type == "Group");
        Assert.Contains(group.Operation, o => o.Definition == "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export");
        Assert.Contains(group.SearchParam, p => p.Name == "member");
    }

    // --- helpers ------------------------------------------------------------------------------------------------------

    private static string NewPatient() => "bulk-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A Backend Services client of its own (system/*.rs), so its exports are its own.</summary>
    private HttpClient Exporter() => server.CreateFhirClient(LongToken("system/*.rs", "exporter-" + Guid.NewGuid().ToString("N")[..8]));

    /// <summary>A token that outlives the tests' clock shifts.</summary>
    private static string LongToken(string scope, string clientId, string? patient = null)
        => TestTokens.Create(FhirServerFixture.Audience, scope, patient, clientId: clientId, expires: DateTimeOffset.UtcNow.AddDays(3));

    /// <summary>How far ahead a job queued behind the worker's back falls due: the worker never sees it unless the clock is moved.</summary>
    private static readonly TimeSpan QueuedAhead = TimeSpan.FromDays(1);

    private async Task<List<string>> CreateGoalsAsync(string patient, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var created = await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal(patient, $"walk to the shop {i}")));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids.Add((await FhirJson.ReadAsync<Goal>(created)).Id!);
        }

        return ids;
    }

    private async Task<string> CreateGroupAsync(string name, params (string Patient, bool Inactive)[] members)
    {
        var group = new Group
        {
            Type = Group.GroupType.Person,
            Actual = true,
            Name = name,
            Member = members.Select(m => new Group.MemberComponent { Entity = new ResourceReference($"Patient/{m.Patient}"), Inactive = m.Inactive ? true : null }).ToList(),
        };
        var created = await _client.PostAsync("Group", FhirJson.Content(group));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await FhirJson.ReadAsync<Group>(created)).Id!;
    }

    private static Task<HttpResponseMessage> KickOffAsync(HttpClient client, string url, bool lenient = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Prefer", lenient ? "respond-async, handling=lenient" : "respond-async");
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostKickOffAsync(HttpClient client, string url, Parameters parameters)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = FhirJson.Content(parameters) };
        request.Headers.Add("Prefer", "respond-async");
        return client.SendAsync(request);
    }

    private static string StatusUrl(HttpResponseMessage kickOff)
    {
        Assert.True(kickOff.StatusCode == HttpStatusCode.Accepted, $"kick-off: {(int)kickOff.StatusCode} {kickOff.Content.ReadAsStringAsync().Result}");
        return kickOff.Content.Headers.ContentLocation?.ToString() ?? throw new Xunit.Sdk.XunitException("The kick-off answered no Content-Location.");
    }

    /// <summary>Polls as a client would (no timing asserted) until the status is no longer 202.</summary>
    private static async Task<HttpResponseMessage> WaitWhileRunningAsync(HttpClient client, string statusUrl)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var status = await client.GetAsync(statusUrl);
            if (status.StatusCode != HttpStatusCode.Accepted || DateTime.UtcNow > deadline)
            {
                return status;
            }

            Assert.True(status.Headers.Contains("X-Progress"));
            Assert.NotNull(status.Headers.RetryAfter);
            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> ManifestAsync(HttpClient client, string statusUrl)
    {
        var status = await WaitWhileRunningAsync(client, statusUrl);
        var text = await status.Content.ReadAsStringAsync();
        Assert.True(status.StatusCode == HttpStatusCode.OK, $"status: {(int)status.StatusCode} {text}");
        Assert.Equal("application/json", status.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<List<T>> ExportedAsync<T>(HttpClient client, JsonElement manifest, string type)
        where T : Resource
    {
        var resources = new List<T>();
        foreach (var file in manifest.GetProperty("output").EnumerateArray().Where(o => o.GetProperty("type").GetString() == type))
        {
            resources.AddRange(Lines(await (await client.GetAsync(file.GetProperty("url").GetString())).Content.ReadAsStringAsync()).Select(FhirSerializer.Parse<T>));
        }

        return resources;
    }

    private static Task<List<Goal>> ExportedAsync(HttpClient client, JsonElement manifest, string type) => ExportedAsync<Goal>(client, manifest, type);

    private static IEnumerable<string> Lines(string ndjson) => ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// A Goal export of this client queued in the store without waking the worker, due <see cref="QueuedAhead"/> from now:
    /// the worker cannot take it before the test moves the clock and wakes it.
    /// </summary>
    private async Task<ExportJob> QueueBehindTheWorkersBackAsync(HttpClient client, string? goalFilter = null)
    {
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        var claims = TestTokens.Payload(token);
        var job = new ExportJob(BulkExport.NewJobId(), ExportLevel.System, null, "http://localhost/fhir/$export?_type=Goal", DateTimeOffset.UtcNow + QueuedAhead + QueuedAhead, null,
            new ExportOwner(TestTokens.Issuer, claims["client_id"]!.GetValue<string>()),
            [new ExportTypePlan("Goal", "patient", null, false, goalFilter is null ? [] : [goalFilter])], []);
        var store = server.Services.GetRequiredService<IResourceStore>();
        using var ahead = server.Clock.Shift(QueuedAhead);
        await using var session = await store.BeginWriteAsync(default);
        await session.EnqueueAsync(new OutboxMessage(ExportJob.Topic, job.Id, job.ToJson()), default);
        await session.CommitAsync(default);
        return job;
    }
}
