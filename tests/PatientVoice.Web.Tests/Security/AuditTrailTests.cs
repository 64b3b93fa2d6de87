using System.Net;
using System.Text;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// The audit trail: an AuditEvent for every read, search and write (who, what, when, outcome, refusals
/// included), written off the request path, and readable only with a system/ scope that names AuditEvent.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class AuditTrailTests(FhirServerFixture server)
{
    private readonly HttpClient _auditor = server.CreateFhirClient(FhirServerFixture.Token("system/AuditEvent.rs", clientId: "auditor"));

    [Fact]
    public async Task A_read_is_audited_with_the_client_the_user_the_resource_and_the_outcome()
    {
        var data = await MatrixData.GetAsync(server);
        var client = "reader-" + Guid.NewGuid().ToString("N");
        using var reader = server.CreateFhirClient(FhirServerFixture.Token("patient/Goal.rs", MatrixData.Own, "Patient/" + MatrixData.Own, client));

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"Goal/{data.OwnGoal}")).StatusCode);

        var audit = await SingleAuditAsync(client);
        Assert.Equal("read", audit.Subtype[0].Code);
        Assert.Equal(AuditEvent.AuditEventAction.R, audit.Action);
        Assert.Equal(AuditEvent.AuditEventOutcome.N0, audit.Outcome);
        Assert.Equal(client, audit.Agent[0].Who.Identifier.Value);
        Assert.Equal(PatientVoice.Testing.TestTokens.Issuer, audit.Agent[0].Who.Identifier.System);
        Assert.Contains(audit.Agent, a => a.Who.Reference == $"Patient/{MatrixData.Own}");
        Assert.Contains(audit.Entity, e => e.What?.Reference == $"Goal/{data.OwnGoal}");
        Assert.Contains(audit.Entity, e => e.What?.Reference == $"Patient/{MatrixData.Own}");
        Assert.True(audit.Recorded > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task A_refused_read_is_audited_as_a_failure_with_its_status()
    {
        var data = await MatrixData.GetAsync(server);
        var client = "refused-" + Guid.NewGuid().ToString("N");
        using var reader = server.CreateFhirClient(FhirServerFixture.Token("patient/Goal.rs", MatrixData.Own, clientId: client));

        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"Goal/{data.OtherGoal}")).StatusCode);

        var audit = await SingleAuditAsync(client);
        Assert.Equal(AuditEvent.AuditEventOutcome.N4, audit.Outcome);
        Assert.StartsWith("404", audit.OutcomeDesc, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_search_is_audited_with_its_query_and_a_create_with_the_new_id()
    {
        var client = "writer-" + Guid.NewGuid().ToString("N");
        using var writer = server.CreateFhirClient(FhirServerFixture.Token("system/Goal.cruds", clientId: client));
        Assert.Equal(HttpStatusCode.OK, (await writer.GetAsync("Goal?lifecycle-status=proposed")).StatusCode);
        var created = await FhirJson.ReadAsync<Goal>(await writer.PostAsync("Goal", FhirJson.Content(MatrixData.Goal(MatrixData.Own))));

        var audits = await AuditsAsync(client, expected: 2);
        var search = audits.Single(a => a.Subtype[0].Code == "search-type");
        Assert.Equal("lifecycle-status=proposed", Encoding.UTF8.GetString(search.Entity[0].Query));
        Assert.Equal("Goal", search.Entity[0].Description);
        Assert.Null(search.Entity[0].Name); // R4 sev-1: a name or a query, not both
        var create = audits.Single(a => a.Subtype[0].Code == "create");
        Assert.Equal(AuditEvent.AuditEventAction.C, create.Action);
        Assert.Equal($"Goal/{created.Id}", create.Entity[0].What.Reference);
    }

    [Theory]
    [InlineData("system/*.cruds")]
    [InlineData("system/*.rs")]
    [InlineData("user/AuditEvent.rs")]
    [InlineData("patient/AuditEvent.rs")]
    [InlineData("system/Goal.rs")]
    public async Task Only_a_system_scope_naming_AuditEvent_reaches_the_audit_trail(string scope)
    {
        using var client = server.CreateFhirClient(FhirServerFixture.Token(scope, MatrixData.Own, "Practitioner/authz-dr"));

        var response = await client.GetAsync("AuditEvent");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.IsType<OperationOutcome>(await FhirJson.ReadAsync<OperationOutcome>(response));
    }

    [Fact]
    public async Task The_audit_trail_does_not_come_in_through_revinclude_without_the_audit_scope()
    {
        var data = await MatrixData.GetAsync(server);
        using var client = server.CreateFhirClient(FhirServerFixture.Token("system/*.rs"));

        var bundle = await FhirJson.ReadAsync<Bundle>(await client.GetAsync($"Goal?_id={data.OwnGoal}&_revinclude=AuditEvent:entity"));

        Assert.DoesNotContain(bundle.Entry, e => e.Resource is AuditEvent);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Nobody_writes_the_audit_trail_through_the_API(string method)
    {
        using var client = server.CreateFhirClient(FhirServerFixture.Token("system/*.cruds system/AuditEvent.cruds"));
        var audit = new AuditEvent { Id = "forged", Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest"), Recorded = DateTimeOffset.UtcNow };

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), method == "POST" ? "AuditEvent" : "AuditEvent/forged")
        {
            Content = method == "DELETE" ? null : FhirJson.Content(audit),
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_request_without_a_token_is_audited_too()
    {
        var marker = "/fhir/Goal/unauthenticated-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.CreateFhirClient(accessToken: null).GetAsync(marker)).StatusCode);

        await WaitForAsync(async () =>
        {
            var bundle = await FhirJson.ReadAsync<Bundle>(await _auditor.GetAsync("AuditEvent?outcome=4&_count=1000&_sort=-date"));
            return bundle.Entry.Select(e => (AuditEvent)e.Resource).Any(a => a.Entity.Any(x => x.Description == marker));
        });
    }

    private async Task<AuditEvent> SingleAuditAsync(string clientId) => Assert.Single(await AuditsAsync(clientId, expected: 1));

    // Audit events are stored off the request path, a moment later: wait for them.
    private async Task<List<AuditEvent>> AuditsAsync(string clientId, int expected)
    {
        List<AuditEvent> found = [];
        await WaitForAsync(async () =>
        {
            var bundle = await FhirJson.ReadAsync<Bundle>(await _auditor.GetAsync($"AuditEvent?agent:identifier={Uri.EscapeDataString(PatientVoice.Testing.TestTokens.Issuer + "|" + clientId)}&_count=100"));
            found = bundle.Entry.Select(e => e.Resource).OfType<AuditEvent>().Where(a => a.Agent.Any(x => x.Who?.Identifier?.Value == clientId)).ToList();
            return found.Count >= expected;
        });
        return found;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The audit event did not appear within 20 s.");
            await Task.Delay(100);
        }
    }
}
