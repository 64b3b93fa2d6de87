using System.Net;
using Hl7.Fhir.Model;
using PatientVoice.Application.EhrSync;
using PatientVoice.Application.Submit;

namespace PatientVoice.Web.Tests.Doors;

/// <summary>
/// The same submission sent through every door of the FHIR API stores the same things: the response with the same
/// safety tag, the same Goals, one Provenance naming who answered, one EHR outbox message (its Task). Conditional forms
/// mean the same in a Bundle as on their own. A door is a row; a new write endpoint without a row fails
/// <see cref="Every_write_endpoint_of_the_fhir_api_is_a_row_of_this_table"/>.
/// </summary>
public sealed class DoorParityTests(WriteBackServerFixture server) : IClassFixture<WriteBackServerFixture>
{
    private const string Identifier = "http://example.org/kiosk/response-id";
    private HttpClient _client = server.CreateFhirClient();

    /// <summary>Every way a client can write a new response, by the endpoint it goes through.</summary>
    public static readonly TheoryData<string> Doors = new()
    {
        "POST", "PUT", "POST If-None-Exist", "PUT ?identifier", "transaction POST", "transaction POST If-None-Exist", "transaction PUT", "transaction PUT ?identifier",
        "batch POST", "batch POST If-None-Exist", "batch PUT", "batch PUT ?identifier",
    };

    /// <summary>Every way a client can amend a stored response.</summary>
    public static readonly TheoryData<string> AmendDoors = new() { "PUT", "PUT ?identifier", "transaction PUT", "transaction PUT ?identifier", "batch PUT", "batch PUT ?identifier" };

    public static TheoryData<string, bool, bool> DoorsAndCases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var door in Doors)
        {
            data.Add(door, false, false);
            data.Add(door, true, false);
            data.Add(door, true, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DoorsAndCases))]
    public async Task A_submission_stores_the_same_resources_tag_provenance_and_outbox_message_through_every_door(string door, bool dangerWords, bool byFamilyMember)
    {
        var expected = await StoredAsync(await SubmitAsync("POST", NewResponse(dangerWords, byFamilyMember)));

        var actual = await StoredAsync(await SubmitAsync(door, NewResponse(dangerWords, byFamilyMember)));

        Assert.Equal(dangerWords, actual.Flagged);
        Assert.Equal(expected with { Patient = "", ResponseId = "" }, actual with { Patient = "", ResponseId = "" });
        Assert.Equal(2, actual.Goals.Count);
        Assert.Equal(1, actual.OutboxMessages);
        Assert.Equal(byFamilyMember ? "RelatedPerson" : "Patient", actual.AnsweredBy);
        Assert.Equal("none", actual.EnteredBy);
    }

    [Theory]
    [MemberData(nameof(Doors))]
    public async Task A_response_typed_by_staff_names_the_patient_as_author_and_the_staff_member_as_enterer_through_every_door(string door)
    {
        // Staff answering with the patient (docs/adr/0030): author the staff member who typed, source the patient.
        var expected = await StoredAsync(await SubmitAsync("POST", TypedByStaff(NewResponse(dangerWords: true, byFamilyMember: false))));

        var actual = await StoredAsync(await SubmitAsync(door, TypedByStaff(NewResponse(dangerWords: true, byFamilyMember: false))));

        Assert.Equal(expected with { Patient = "", ResponseId = "" }, actual with { Patient = "", ResponseId = "" });
        Assert.True(actual.Flagged);
        Assert.Equal(2, actual.Goals.Count);
        Assert.Equal(1, actual.OutboxMessages);
        Assert.Equal("Patient", actual.AnsweredBy);
        Assert.Equal("Practitioner", actual.EnteredBy);
    }

    [Theory]
    [MemberData(nameof(Doors))]
    public async Task Every_door_audits_the_submission_it_took_once_as_a_success_naming_what_was_written(string door)
    {
        var client = "door-" + Guid.NewGuid().ToString("N")[..12];
        using var fhir = server.CreateFhirClient(FhirServerFixture.Token(PatientVoice.Testing.TestTokens.AllAccess, clientId: client));
        var auditor = server.CreateFhirClient(FhirServerFixture.Token("system/AuditEvent.rs", clientId: "door-auditor"));

        var asClient = new DoorParityTests(server) { _client = fhir };
        await asClient.SubmitAsync(door, NewResponse(dangerWords: true, byFamilyMember: true));

        AuditEvent? audit = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (audit is null && DateTime.UtcNow < deadline)
        {
            var found = (await FhirJson.ReadAsync<Bundle>(await auditor.GetAsync($"AuditEvent?agent:identifier={Uri.EscapeDataString(PatientVoice.Testing.TestTokens.Issuer + "|" + client)}")))
                .Entry.Select(e => e.Resource).OfType<AuditEvent>().ToList();
            audit = found.Count > 0 ? Assert.Single(found) : null;
            if (audit is null)
            {
                await System.Threading.Tasks.Task.Delay(200);
            }
        }

        Assert.NotNull(audit);
        Assert.Equal(AuditEvent.AuditEventOutcome.N0, audit.Outcome);
        Assert.Contains(audit.Entity, e => e.What?.Reference?.StartsWith("QuestionnaireResponse", StringComparison.Ordinal) == true
            || e.Name == "QuestionnaireResponse" || e.Description?.Contains("QuestionnaireResponse", StringComparison.Ordinal) == true);
    }

    [Theory]
    [MemberData(nameof(AmendDoors))]
    public async Task An_amendment_through_every_door_sets_the_flag_ends_the_goal_taken_out_and_queues_its_delivery(string door)
    {
        var first = await StoredAsync(await SubmitAsync("POST", NewResponse(dangerWords: false, byFamilyMember: false)));
        var response = await ReadAsync<QuestionnaireResponse>($"QuestionnaireResponse/{first.ResponseId}");
        response.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Amended;
        response.Meta = null;
        response.Item.RemoveAll(i => i.LinkId == "goal" && i.Item.Any(a => a.LinkId == "goal-text" && a.Answer.Any(x => x.Value.ToString() == "Sleep through the night")));
        Answer(response, "goal-why", "Some days I want to die");

        var id = await SubmitAsync(door, response);

        Assert.Equal(first.ResponseId, id);
        var amended = await StoredAsync(id);
        Assert.True(amended.Flagged);
        Assert.Contains("Sleep through the night: cancelled", amended.Goals);
        Assert.Contains("Walk my granddaughter to school: proposed", amended.Goals);
        Assert.Equal(2, amended.OutboxMessages);

        // Amended again without the words: the flag is cleared, whatever the door.
        var again = await ReadAsync<QuestionnaireResponse>($"QuestionnaireResponse/{id}");
        again.Meta = null;
        Answer(again, "goal-why", "I want to be part of her day");
        await SubmitAsync(door, again);
        Assert.False((await StoredAsync(id)).Flagged);
    }

    [Theory]
    [MemberData(nameof(Doors))]
    public async Task A_response_carried_forward_keeps_its_goals_and_ends_the_one_taken_out_through_every_door(string door)
    {
        var first = await SubmitAsync("POST", NewResponse(dangerWords: false, byFamilyMember: false));
        var patient = (await ReadAsync<QuestionnaireResponse>($"QuestionnaireResponse/{first}")).Subject.Reference;
        var before = (await SearchAsync<Goal>($"Goal?patient={patient}")).Select(g => g.Id).Order(StringComparer.Ordinal).ToList();
        var next = await PopulateAsync(patient);
        next.Item.RemoveAll(g => g.LinkId == "goal" && g.Item.Any(i => i.LinkId == "goal-text" && i.Answer.Any(a => a.Value.ToString() == "Sleep through the night")));

        var stored = await StoredAsync(await SubmitAsync(door, next));

        Assert.Equal(["Sleep through the night: cancelled", "Walk my granddaughter to school: proposed"], stored.Goals);
        Assert.Equal(before, (await SearchAsync<Goal>($"Goal?patient={patient}")).Select(g => g.Id).Order(StringComparer.Ordinal));
        Assert.Equal(1, stored.OutboxMessages);
    }

    [Theory]
    [MemberData(nameof(Doors))]
    public async Task A_carried_goal_the_patient_ended_since_stays_ended_and_its_words_become_a_new_goal_through_every_door(string door)
    {
        var first = await SubmitAsync("POST", NewResponse(dangerWords: false, byFamilyMember: false));
        var patient = (await ReadAsync<QuestionnaireResponse>($"QuestionnaireResponse/{first}")).Subject.Reference;
        var next = await PopulateAsync(patient);
        var walk = (await SearchAsync<Goal>($"Goal?patient={patient}")).Single(g => g.Description.Text == "Walk my granddaughter to school");
        walk.LifecycleStatus = Goal.GoalLifecycleStatus.Completed; // reached, on My goals or by the EHR, while the form was open
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync($"Goal/{walk.Id}", FhirJson.Content(walk))).StatusCode);

        var stored = await StoredAsync(await SubmitAsync(door, next));

        Assert.Equal(["Sleep through the night: proposed", "Walk my granddaughter to school: completed", "Walk my granddaughter to school: proposed"], stored.Goals);
        Assert.Equal(Goal.GoalLifecycleStatus.Completed, (await ReadAsync<Goal>($"Goal/{walk.Id}")).LifecycleStatus);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT ?identifier")]
    [InlineData("transaction POST")]
    [InlineData("batch POST")]
    public async Task A_goal_id_the_response_was_not_carried_forward_with_is_refused_through_every_door_and_nothing_is_stored(string door)
    {
        var first = await SubmitAsync("POST", NewResponse(dangerWords: false, byFamilyMember: false));
        var patient = (await ReadAsync<QuestionnaireResponse>($"QuestionnaireResponse/{first}")).Subject.Reference;
        var goal = (await SearchAsync<Goal>($"Goal?patient={patient}"))[0];
        var response = NewResponse(dangerWords: false, byFamilyMember: false);
        response.Subject = new ResourceReference(patient);
        response.Author = response.Source = new ResourceReference(patient);
        // This patient's own goal, named by a response that was not pre-filled from the one that made it.
        response.Item.First(i => i.LinkId == "goal").Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "goal-id", Answer = [new() { Value = new FhirString(goal.Id) }] });

        var status = await StatusAsync(door, response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Single(await SearchAsync<QuestionnaireResponse>($"QuestionnaireResponse?subject={patient}"));
        Assert.Equal("1", (await ReadAsync<Goal>($"Goal/{goal.Id}")).Meta.VersionId);
    }

    [Theory]
    [InlineData("POST If-None-Exist")]
    [InlineData("transaction POST If-None-Exist")]
    [InlineData("batch POST If-None-Exist")]
    public async Task A_conditional_create_that_matches_returns_the_stored_response_and_submits_nothing_again(string door)
    {
        var response = NewResponse(dangerWords: false, byFamilyMember: false);
        var id = await SubmitAsync("POST", response);
        var before = await StoredAsync(id);

        var again = NewResponse(dangerWords: true, byFamilyMember: false);
        again.Subject = response.Subject;
        again.Author = response.Author;
        again.Source = response.Source;
        again.Identifier = response.Identifier;
        var (status, matched) = await SendAsync(door, again);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, matched);
        Assert.Equal(before, await StoredAsync(id));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("transaction POST")]
    [InlineData("batch POST")]
    [InlineData("POST If-None-Exist")]
    public async Task A_response_to_a_questionnaire_without_a_version_is_stored_and_extracted(string door)
    {
        var url = await StoreKioskQuestionnaireAsync(version: null);
        var response = NewResponse(dangerWords: false, byFamilyMember: false);
        response.Questionnaire = url;

        var stored = await StoredAsync(await SubmitAsync(door, response));

        Assert.Equal(url, (await ReadAsync<QuestionnaireResponse>($"QuestionnaireResponse/{stored.ResponseId}")).Questionnaire);
        Assert.Equal(2, stored.Goals.Count);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("transaction POST")]
    [InlineData("batch PUT")]
    public async Task A_response_that_names_no_version_answers_the_newest_stored_one_and_records_it(string door)
    {
        var url = await StoreKioskQuestionnaireAsync(version: "1.0.0");
        await StoreKioskQuestionnaireAsync(version: "2.0.0", url);
        var response = NewResponse(dangerWords: false, byFamilyMember: false);
        response.Questionnaire = url;

        var stored = await StoredAsync(await SubmitAsync(door, response));

        Assert.Equal(url + "|2.0.0", (await ReadAsync<QuestionnaireResponse>($"QuestionnaireResponse/{stored.ResponseId}")).Questionnaire);
        Assert.Equal(2, stored.Goals.Count);
    }

    [Fact]
    public async Task A_response_to_one_of_our_questionnaires_must_still_name_its_version()
    {
        var response = NewResponse(dangerWords: false, byFamilyMember: false);
        response.Questionnaire = "http://patientvoice.example.org/fhir/Questionnaire/my-goals";

        var posted = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(response));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, posted.StatusCode);
        Assert.Contains("pv-qr-1", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_draft_never_keeps_a_safety_tag_a_client_sent()
    {
        var draft = NewResponse(dangerWords: false, byFamilyMember: false);
        draft.Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress;
        draft.Meta = new Meta { Tag = [new Coding(ReviewFlag.System, ReviewFlag.SafetyTerms)] };

        var posted = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(draft));

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        Assert.False(ReviewFlag.IsFlagged(await FhirJson.ReadAsync<QuestionnaireResponse>(posted)));
    }

    [Fact]
    public void Every_write_endpoint_of_the_fhir_api_is_a_row_of_this_table()
    {
        // The FHIR API's write routes, and which rows above send a submission through each.
        var covered = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["POST /fhir/{type}"] = ["POST", "POST If-None-Exist"],
            ["PUT /fhir/{type}/{id}"] = ["PUT"],
            ["PUT /fhir/{type}"] = ["PUT ?identifier"],
            ["POST /fhir/"] = ["transaction POST", "batch POST"],
            // A search by POST reads; it writes nothing.
            ["POST /fhir/{type}/_search"] = [],
            // Deletes submit nothing: a deleted response is a tombstone, its extracted resources stay (ADR 0006).
            ["DELETE /fhir/{type}/{id}"] = [],
            ["DELETE /fhir/{type}"] = [],
            // Bulk Data $export: a POSTed kick-off queues a job and writes no resource; DELETE cancels the job and its files.
            ["POST /fhir/$export"] = [],
            ["POST /fhir/Patient/$export"] = [],
            ["POST /fhir/Group/{id}/$export"] = [],
            ["DELETE /fhir/$export-status/{id}"] = [],
            // Subscriptions: $events by POST reads a subscription's past notifications; it writes nothing.
            ["POST /fhir/Subscription/{id}/$events"] = [],
            // One-time links (docs/adr/0029): $invite creates an invitation Task and $revoke-invitation updates it; neither
            // writes a response. What a link's patient answers goes through the patient pages' door (PatientPageDoorTests).
            ["POST /fhir/Patient/{patient}/$invite"] = [],
            ["POST /fhir/Task/{id}/$revoke-invitation"] = [],
        };
        var sources = (IEnumerable<Microsoft.AspNetCore.Routing.EndpointDataSource>)server.Services.GetService(typeof(IEnumerable<Microsoft.AspNetCore.Routing.EndpointDataSource>))!;
        var writes = sources.SelectMany(s => s.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/fhir", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? (IReadOnlyList<string>)[]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Where(route => route.Split(' ')[0] is "POST" or "PUT" or "PATCH" or "DELETE")
            // Operations that answer from their input write nothing ($validate, $populate, $extract); $export is listed above.
            .Where(route => !route.Contains("$validate", StringComparison.Ordinal) && !route.Contains("$populate", StringComparison.Ordinal) && !route.Contains("$extract", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(covered.Keys.Order(StringComparer.Ordinal), writes);
        var doors = ((IEnumerable<object[]>)Doors).Select(d => (string)d[0]).ToList();
        Assert.All(covered.Values.SelectMany(rows => rows), row => Assert.Contains(row, doors));
    }

    // --- the doors ---------------------------------------------------------------------------------------------------

    /// <summary>Sends <paramref name="response"/> through <paramref name="door"/>; the id of the stored response.</summary>
    private async Task<string> SubmitAsync(string door, QuestionnaireResponse response)
    {
        var (status, id) = await SendAsync(door, response);
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"{door}: {status}");
        return id;
    }

    private async Task<(HttpStatusCode Status, string Id)> SendAsync(string door, QuestionnaireResponse response)
    {
        var condition = $"identifier={Uri.EscapeDataString(Identifier)}|{Uri.EscapeDataString(response.Identifier.Value)}";
        response.Id ??= door.EndsWith("PUT", StringComparison.Ordinal) ? "kiosk-" + Guid.NewGuid().ToString("N")[..16] : null;
        switch (door)
        {
            case "POST":
                return await DirectAsync(await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(response)));
            case "POST If-None-Exist":
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "QuestionnaireResponse") { Content = FhirJson.Content(response) };
                request.Headers.Add("If-None-Exist", condition);
                return await DirectAsync(await _client.SendAsync(request));
            }

            case "PUT":
                return await DirectAsync(await _client.PutAsync($"QuestionnaireResponse/{response.Id}", FhirJson.Content(response)));
            case "PUT ?identifier":
                return await DirectAsync(await _client.PutAsync($"QuestionnaireResponse?{condition}", FhirJson.Content(response)));
            default:
                var (kind, method) = (door.Split(' ')[0], door[(door.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
                var entry = new Bundle.EntryComponent
                {
                    FullUrl = "urn:uuid:" + Guid.NewGuid(),
                    Resource = response,
                    Request = method switch
                    {
                        "POST" => new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "QuestionnaireResponse" },
                        "POST If-None-Exist" => new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "QuestionnaireResponse", IfNoneExist = condition },
                        "PUT" => new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"QuestionnaireResponse/{response.Id}" },
                        "PUT ?identifier" => new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"QuestionnaireResponse?{condition}" },
                        _ => throw new ArgumentOutOfRangeException(nameof(door), door, "No such door."),
                    },
                };
                var bundle = new Bundle { Type = kind == "transaction" ? Bundle.BundleType.Transaction : Bundle.BundleType.Batch, Entry = [entry] };
                var posted = await _client.PostAsync("", FhirJson.Content(bundle));
                var body = await posted.Content.ReadAsStringAsync();
                Assert.True(posted.StatusCode == HttpStatusCode.OK, $"{door}: {(int)posted.StatusCode} {body}");
                var answer = (await FhirJson.ReadAsync<Bundle>(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) })).Entry.Single();
                Assert.True(answer.Response.Location is not null, $"{door}: {answer.Response.Status} {body}");
                return ((HttpStatusCode)int.Parse(answer.Response.Status.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture), answer.Response.Location.Split('/')[1]);
        }
    }

    /// <summary>The status a door answers <paramref name="response"/> with (for a Bundle: its one entry's, or the transaction's).</summary>
    private async Task<HttpStatusCode> StatusAsync(string door, QuestionnaireResponse response)
    {
        var condition = $"identifier={Uri.EscapeDataString(Identifier)}|{Uri.EscapeDataString(response.Identifier.Value)}";
        switch (door)
        {
            case "POST":
                return (await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(response))).StatusCode;
            case "PUT ?identifier":
                return (await _client.PutAsync($"QuestionnaireResponse?{condition}", FhirJson.Content(response))).StatusCode;
            default:
                var bundle = new Bundle
                {
                    Type = door.StartsWith("transaction", StringComparison.Ordinal) ? Bundle.BundleType.Transaction : Bundle.BundleType.Batch,
                    Entry = [new() { FullUrl = "urn:uuid:" + Guid.NewGuid(), Resource = response, Request = new() { Method = Bundle.HTTPVerb.POST, Url = "QuestionnaireResponse" } }],
                };
                var posted = await _client.PostAsync("", FhirJson.Content(bundle));
                if (posted.StatusCode != HttpStatusCode.OK)
                {
                    return posted.StatusCode;
                }

                var status = (await FhirJson.ReadAsync<Bundle>(posted)).Entry.Single().Response.Status;
                return (HttpStatusCode)int.Parse(status.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>SDC $populate of our My goals form for <paramref name="patient"/>: the last submission carried forward, completed, with a new identifier.</summary>
    private async Task<QuestionnaireResponse> PopulateAsync(string patient)
    {
        var input = new Parameters();
        input.Add("canonical", new Canonical(PatientVoice.Web.Tests.Submissions.PopulateOperationTests.MyGoals));
        input.Add("subject", new ResourceReference(patient));
        input.Add("local", new FhirBoolean(true));
        var result = await _client.PostAsync("Questionnaire/$populate", FhirJson.Content(input));
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var response = (QuestionnaireResponse)(await FhirJson.ReadAsync<Parameters>(result)).GetSingle("response").Resource;
        response.Meta = new Meta { Profile = ["http://patientvoice.example.org/fhir/StructureDefinition/pv-questionnaire-response"] };
        response.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed;
        response.Identifier = new Hl7.Fhir.Model.Identifier(Identifier, Guid.NewGuid().ToString("N"));
        response.Author = response.Source = new ResourceReference(patient);
        return response;
    }

    private static async Task<(HttpStatusCode, string)> DirectAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return (response.StatusCode, response.Headers.Location!.ToString().Split("/QuestionnaireResponse/")[1].Split('/')[0]);
    }

    // --- what a door stored ------------------------------------------------------------------------------------------

    /// <summary>What one submission left in the store, in terms that do not depend on ids or times.</summary>
    private sealed record Stored(string ResponseId, string Patient, bool Flagged, IReadOnlyList<string> Goals, int Provenances, string AnsweredBy, int Observations, int Notes, int OutboxMessages, string EnteredBy)
    {
        public bool Equals(Stored? other) => other is not null && ResponseId == other.ResponseId && Patient == other.Patient && Flagged == other.Flagged
            && Goals.SequenceEqual(other.Goals) && Provenances == other.Provenances && AnsweredBy == other.AnsweredBy && EnteredBy == other.EnteredBy && Observations == other.Observations
            && Notes == other.Notes && OutboxMessages == other.OutboxMessages;

        public override int GetHashCode() => HashCode.Combine(ResponseId, Flagged, Goals.Count, Provenances, OutboxMessages);
    }

    private async Task<Stored> StoredAsync(string responseId)
    {
        var response = await ReadAsync<QuestionnaireResponse>($"QuestionnaireResponse/{responseId}");
        var patient = response.Subject.Reference;
        var goals = await SearchAsync<Goal>($"Goal?patient={patient}");
        var provenances = await SearchAsync<Provenance>($"Provenance?entity=QuestionnaireResponse/{responseId}&_sort=-_lastUpdated");
        var observations = await SearchAsync<Observation>($"Observation?derived-from=QuestionnaireResponse/{responseId}");
        var notes = await SearchAsync<DocumentReference>($"DocumentReference?subject={patient}");
        var tasks = await SearchAsync<Hl7.Fhir.Model.Task>($"Task?focus=QuestionnaireResponse/{responseId}&code={EhrSyncTask.KindSystem}|{EhrSyncTask.Kind}");
        var author = provenances.FirstOrDefault()?.Agent.FirstOrDefault()?.Who?.Reference?.Split('/')[0] ?? "none";
        var enterer = provenances.FirstOrDefault()?.Agent.FirstOrDefault(a => a.Type?.Coding.Any(c => c.Code == "enterer") == true)?.Who?.Reference?.Split('/')[0] ?? "none";
        return new Stored(responseId, patient, ReviewFlag.IsFlagged(response),
            goals.Select(g => $"{g.Description.Text}: {Hl7.Fhir.Utility.EnumUtility.GetLiteral(g.LifecycleStatus)}").Order(StringComparer.Ordinal).ToList(),
            provenances.Count, author, observations.Count, notes.Count, tasks.Count, enterer);
    }

    private async Task<T> ReadAsync<T>(string path) where T : Resource
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await FhirJson.ReadAsync<T>(response);
    }

    private async Task<List<T>> SearchAsync<T>(string query) where T : Resource
        => (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync(query))).Entry.Select(e => e.Resource).OfType<T>().ToList();

    // --- what is sent ------------------------------------------------------------------------------------------------

    private static QuestionnaireResponse NewResponse(bool dangerWords, bool byFamilyMember)
    {
        var patient = "Patient/door-" + Guid.NewGuid().ToString("N")[..12];
        var response = FhirJson.CompletedResponse("my-goals");
        response.Identifier = new Hl7.Fhir.Model.Identifier(Identifier, Guid.NewGuid().ToString("N"));
        response.Subject = new ResourceReference(patient);
        var author = byFamilyMember ? "RelatedPerson/daughter-of-" + patient.Split('/')[1] : patient;
        response.Author = new ResourceReference(author);
        response.Source = new ResourceReference(author);
        if (dangerWords)
        {
            Answer(response, "goal-why", "Some days I want to die");
        }

        return response;
    }

    private static QuestionnaireResponse TypedByStaff(QuestionnaireResponse response)
    {
        response.Author = new ResourceReference("Practitioner/ma-door");
        response.Source = new ResourceReference(response.Subject.Reference);
        return response;
    }

    private static void Answer(QuestionnaireResponse response, string linkId, string text)
    {
        var item = response.Item.Where(i => i.LinkId == "goal").SelectMany(g => g.Item).First(i => i.LinkId == linkId);
        item.Answer = [new QuestionnaireResponse.AnswerComponent { Value = new FhirString(text) }];
    }

    /// <summary>Our My goals form as another publisher's questionnaire: its own canonical, with or without a version.</summary>
    private async Task<string> StoreKioskQuestionnaireAsync(string? version, string? url = null)
    {
        url ??= "http://example.org/kiosk/Questionnaire/goals-" + Guid.NewGuid().ToString("N")[..8];
        var json = await File.ReadAllTextAsync(Path.Combine(PatientVoice.Testing.RepositoryPaths.Root, "profiles", "Questionnaire-my-goals.json"));
        var questionnaire = PatientVoice.Fhir.Serialization.FhirSerializer.Parse<Questionnaire>(json);
        questionnaire.Id = null;
        questionnaire.Url = url;
        questionnaire.Version = version;
        var posted = await _client.PostAsync("Questionnaire", FhirJson.Content(questionnaire));
        Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        return url;
    }
}
