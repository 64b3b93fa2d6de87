using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// The authorization matrix: every token of <see cref="Profiles"/> (v1 and v2 forms; patient, user and system
/// contexts; wildcards; single letters; query-restricted; no resource scope) tried on every
/// <see cref="Interaction"/> over the own patient (authz-alice) and another (authz-bob). Each case asserts the
/// status, that errors are OperationOutcomes, that nothing of the other patient appears in any body (reads,
/// search bundles, _revinclude) unless the token reaches every patient, and that a refused write changed nothing.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class AuthorizationMatrixTests(FhirServerFixture server)
{
    private const string Own = MatrixData.Own;
    private const string Other = MatrixData.Other;

    // Tokens: scope, patient claim, fhirUser claim, the letters they must give on Goal, the patients they must reach.
    public static readonly AccessProfile[] Profiles =
    [
        new("patient/Goal.rs", Own, null, "rs", Reach.Own),
        new("patient/Goal.read", Own, null, "rs", Reach.Own),
        new("patient/*.rs", Own, null, "rs", Reach.Own),
        new("patient/*.read", Own, null, "rs", Reach.Own),
        new("patient/Goal.cruds", Own, null, "cruds", Reach.Own),
        new("patient/*.*", Own, null, "cruds", Reach.Own),
        new("patient/*.cruds openid fhirUser launch/patient offline_access", Own, "Patient/" + Own, "cruds", Reach.Own),
        new("patient/Goal.write", Own, null, "cud", Reach.Own),
        new("patient/Goal.r", Own, null, "r", Reach.Own),
        new("patient/Goal.s", Own, null, "s", Reach.Own),
        new("patient/Goal.cu", Own, null, "cu", Reach.Own),
        new("patient/Observation.rs", Own, null, "", Reach.Own),
        // No patient in context: patient/ letters grant nothing.
        new("patient/Goal.cruds", null, null, "", Reach.Nobody),
        new("user/Goal.rs", null, "Patient/" + Own, "rs", Reach.Own),
        new("user/*.cruds", Own, "RelatedPerson/authz-daughter", "cruds", Reach.Own),
        new("user/*.cruds", null, "Practitioner/authz-dr", "cruds", Reach.All),
        new("user/*.read", null, "http://ehr.example/fhir/PractitionerRole/authz-role", "rs", Reach.All),
        // A user/ token with no fhirUser has no user to follow.
        new("user/*.cruds", null, null, "", Reach.Nobody),
        new("system/Goal.rs", null, null, "rs", Reach.All),
        new("system/*.cruds", null, null, "cruds", Reach.All),
        new("system/*.read", null, null, "rs", Reach.All),
        new("system/Goal.c", null, null, "c", Reach.All),
        // Query-restricted scopes are refused (they grant nothing here).
        new("system/Goal.rs?patient=Patient/authz-alice", null, null, "", Reach.Nobody),
        new("openid fhirUser launch online_access", Own, "Patient/" + Own, "", Reach.Nobody),
    ];

    public static TheoryData<int, Interaction> Cases()
    {
        var data = new TheoryData<int, Interaction>();
        for (var p = 0; p < Profiles.Length; p++)
        {
            foreach (var interaction in Enum.GetValues<Interaction>())
            {
                data.Add(p, interaction);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_token_gets_exactly_what_its_scopes_grant_and_nothing_of_another_patient(int profileIndex, Interaction interaction)
    {
        var profile = Profiles[profileIndex];
        var data = await MatrixData.GetAsync(server);
        using var client = server.CreateFhirClient(FhirServerFixture.Token(profile.Scope, profile.Patient, profile.FhirUser));
        var expected = Expected.Status(profile, interaction);

        var (response, check) = await RunAsync(client, data, interaction);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(expected == (int)response.StatusCode, $"{profile} {interaction}: expected {expected}, got {(int)response.StatusCode}: {body}");
        if (expected >= 400)
        {
            Assert.Equal("OperationOutcome", ResourceType(body));
        }

        if (!profile.ReachesAll)
        {
            NoOtherPatientIn(body, $"{profile} {interaction}");
        }

        await check(profile, body);
    }

    private async Task<(HttpResponseMessage Response, Func<AccessProfile, string, Task> Check)> RunAsync(HttpClient client, MatrixData data, Interaction interaction)
    {
        var admin = server.CreateFhirClient();
        Task None(AccessProfile p, string b) => Task.CompletedTask;
        switch (interaction)
        {
            case Interaction.ReadOwn:
                return (await client.GetAsync($"Goal/{data.OwnGoal}"), None);
            case Interaction.ReadOther:
                return (await client.GetAsync($"Goal/{data.OtherGoal}"), None);
            case Interaction.VReadOther:
                return (await client.GetAsync($"Goal/{data.OtherGoal}/_history/1"), None);
            case Interaction.HistoryOther:
                return (await client.GetAsync($"Goal/{data.OtherGoal}/_history"), None);
            case Interaction.SearchOwn:
                return (await client.GetAsync($"Goal?patient=Patient/{Own}"), (p, b) => SearchFinds(b, p, expectMatches: p.ReachesOwn));
            case Interaction.SearchOther:
                return (await client.GetAsync($"Goal?patient=Patient/{Other}"), (p, b) => SearchFinds(b, p, expectMatches: p.ReachesAll));
            case Interaction.SearchOtherByPost:
                return (await client.PostAsync("Goal/_search", new FormUrlEncodedContent([new("patient", $"Patient/{Other}")])), (p, b) => SearchFinds(b, p, expectMatches: p.ReachesAll));
            case Interaction.SearchEverything:
                return (await client.GetAsync("Goal?_count=1000"), (p, b) => SearchEverything(b, p));
            case Interaction.RevIncludeProvenance:
                return (await client.GetAsync($"Goal?_id={data.OwnGoal}&_revinclude=Provenance:target"), None);
            case Interaction.CreateOwn:
                return (await client.PostAsync("Goal", FhirJson.Content(MatrixData.Goal(Own))), None);
            case Interaction.CreateOther:
                return (await client.PostAsync("Goal", FhirJson.Content(MatrixData.Goal(Other))), None);
            case Interaction.UpdateOwn:
            {
                var id = await MatrixData.CreateGoalAsync(admin, Own);
                var goal = MatrixData.Goal(Own, "changed");
                goal.Id = id;
                return (await client.PutAsync($"Goal/{id}", FhirJson.Content(goal)), async (p, _) => Assert.Equal(p.Can('u') && p.ReachesOwn ? "2" : "1", await VersionAsync(admin, id)));
            }

            case Interaction.UpdateOther or Interaction.UpdateOtherIntoOwn:
            {
                var id = await MatrixData.CreateGoalAsync(admin, Other);
                var goal = MatrixData.Goal(interaction == Interaction.UpdateOther ? Other : Own, "changed");
                goal.Id = id;
                return (await client.PutAsync($"Goal/{id}", FhirJson.Content(goal)), async (p, _) => Assert.Equal(p.Can('u') && p.ReachesAll ? "2" : "1", await VersionAsync(admin, id)));
            }

            case Interaction.DeleteOwn:
            {
                var id = await MatrixData.CreateGoalAsync(admin, Own);
                return (await client.DeleteAsync($"Goal/{id}"), async (p, _) => Assert.Equal(p.Can('d') && p.ReachesOwn ? HttpStatusCode.Gone : HttpStatusCode.OK, (await admin.GetAsync($"Goal/{id}")).StatusCode));
            }

            case Interaction.DeleteOther:
            {
                var id = await MatrixData.CreateGoalAsync(admin, Other);
                return (await client.DeleteAsync($"Goal/{id}"), async (p, _) => Assert.Equal(p.Can('d') && p.ReachesAll ? HttpStatusCode.Gone : HttpStatusCode.OK, (await admin.GetAsync($"Goal/{id}")).StatusCode));
            }

            case Interaction.TransactionCreatingOther:
            {
                var marker = "tx-" + Guid.NewGuid().ToString("N");
                var ownGoal = MatrixData.Goal(Own);
                var otherGoal = MatrixData.Goal(Other);
                ownGoal.Identifier = [new Identifier("urn:test:authz", marker)];
                otherGoal.Identifier = [new Identifier("urn:test:authz", marker)];
                var transaction = new Bundle
                {
                    Type = Bundle.BundleType.Transaction,
                    Entry =
                    [
                        new Bundle.EntryComponent { Resource = ownGoal, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Goal" } },
                        new Bundle.EntryComponent { Resource = otherGoal, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Goal" } },
                    ],
                };
                return (await client.PostAsync(string.Empty, FhirJson.Content(transaction)), async (p, _) =>
                {
                    // All or nothing: a refused entry leaves no Goal of the transaction behind.
                    var stored = await FhirJson.ReadAsync<Bundle>(await admin.GetAsync($"Goal?identifier=urn:test:authz|{marker}&_summary=count"));
                    Assert.Equal(p.Can('c') && p.ReachesAll ? 2 : 0, stored.Total);
                });
            }

            case Interaction.BatchReadingOther:
            {
                var batch = new Bundle
                {
                    Type = Bundle.BundleType.Batch,
                    Entry = [new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"Goal/{data.OtherGoal}" } }],
                };
                return (await client.PostAsync(string.Empty, FhirJson.Content(batch)), (p, b) =>
                {
                    var result = (Bundle)JsonSerializer.Deserialize<Resource>(b, PatientVoice.Fhir.Serialization.FhirSerializer.JsonOptions)!;
                    Assert.StartsWith(Expected.BatchEntryStatus(p).ToString(System.Globalization.CultureInfo.InvariantCulture), result.Entry[0].Response.Status, StringComparison.Ordinal);
                    return Task.CompletedTask;
                });
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(interaction));
        }
    }

    private static Task SearchFinds(string body, AccessProfile profile, bool expectMatches)
    {
        using var json = JsonDocument.Parse(body);
        if (json.RootElement.GetProperty("resourceType").GetString() != "Bundle")
        {
            return Task.CompletedTask;
        }

        var matches = Matches(json).ToList();
        Assert.True(expectMatches == matches.Count > 0, $"{profile}: expected {(expectMatches ? "some" : "no")} matches, got {matches.Count}");
        return Task.CompletedTask;
    }

    private static Task SearchEverything(string body, AccessProfile profile)
    {
        using var json = JsonDocument.Parse(body);
        if (json.RootElement.GetProperty("resourceType").GetString() != "Bundle")
        {
            return Task.CompletedTask;
        }

        var subjects = Matches(json).Select(m => m.GetProperty("subject").GetProperty("reference").GetString()).ToList();
        if (profile.ReachesAll)
        {
            Assert.Contains($"Patient/{Other}", subjects);
        }
        else
        {
            // Narrowed in the database: every match is the own patient's (none for no reach).
            Assert.All(subjects, s => Assert.Equal($"Patient/{Own}", s));
            Assert.Equal(profile.ReachesOwn, subjects.Count > 0);
        }

        return Task.CompletedTask;
    }

    private static IEnumerable<JsonElement> Matches(JsonDocument bundle)
        => bundle.RootElement.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Where(e => e.GetProperty("search").GetProperty("mode").GetString() == "match").Select(e => e.GetProperty("resource").Clone())
            : [];

    private static void NoOtherPatientIn(string body, string because)
    {
        Assert.False(body.Contains(MatrixData.OtherMarker, StringComparison.Ordinal), $"{because}: the other patient's words leaked: {body}");
        if (body.Length == 0)
        {
            return;
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var resources = root.GetProperty("resourceType").GetString() == "Bundle" && root.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Where(e => e.TryGetProperty("resource", out _)).Select(e => e.GetProperty("resource").GetRawText())
            : root.GetProperty("resourceType").GetString() is "Bundle" or "OperationOutcome" ? [] : [root.GetRawText()];
        foreach (var resource in resources)
        {
            Assert.False(resource.Contains($"Patient/{Other}", StringComparison.Ordinal), $"{because}: a resource of the other patient was returned: {resource}");
        }
    }

    private static string? ResourceType(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("resourceType").GetString();
    }

    private static async Task<string?> VersionAsync(HttpClient admin, string id)
        => (await FhirJson.ReadAsync<Goal>(await admin.GetAsync($"Goal/{id}"))).Meta.VersionId;
}
