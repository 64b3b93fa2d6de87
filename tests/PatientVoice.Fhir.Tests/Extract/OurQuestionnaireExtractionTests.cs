using System.Text;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Fhir.Tests.Fixtures;
using static PatientVoice.Fhir.Tests.Extract.ExtractionTestData;

namespace PatientVoice.Fhir.Tests.Extract;

[Collection(ValidatorCollection.Name)]
public sealed class OurQuestionnaireExtractionTests(ValidatorFixture fixture)
{
    private static readonly QuestionnaireResponseExtractor Extractor = new();

    public static TheoryData<string> QuestionnaireIds() => ["before-your-visit", "what-i-know-about-my-condition", "my-care-preferences", "my-goals"];

    [Fact]
    public void My_goals_extracts_one_goal_per_goal_group_in_the_patients_words()
    {
        var result = ExtractOurs("my-goals");

        var goals = result.OfType<Goal>().ToList();
        Assert.Equal(["Walk my granddaughter to school", "Sleep through the night"], goals.Select(g => g.Description.Text));
        Assert.All(goals, g =>
        {
            Assert.Equal(Goal.GoalLifecycleStatus.Proposed, g.LifecycleStatus);
            Assert.Equal("Patient/example-patient", g.Subject.Reference);
            Assert.Equal("Patient/example-patient", g.ExpressedBy.Reference);
            Assert.Contains(g.Category.SelectMany(c => c.Coding), c => c.System == "http://loinc.org" && c.Code == "87528-6");
        });
        var first = goals[0];
        Assert.Equal("2027-03-01", ((Date)first.Target.Single().Due).Value);
        Assert.Equal("I walk there and back without stopping", ((FhirString)first.Target.Single().Detail).Value);
        Assert.NotNull(first.Target.Single().Measure);
        Assert.Equal(["I want to be part of her day", "My knee on cold days"], first.Note.Select(n => n.Text.ToString()));
        Assert.Empty(result.Issues);
    }

    [Fact]
    public void Each_goal_carries_a_stable_identifier_from_the_response_id_linkId_and_repetition()
    {
        var goals = ExtractOurs("my-goals").OfType<Goal>();

        Assert.Equal(["goals-completed/goal/0", "goals-completed/goal/1"],
            goals.Select(g => g.Identifier.Single(i => i.System == ExtractedIdentifiers.System).Value));
    }

    [Fact]
    public void Before_your_visit_extracts_the_agenda_as_one_list_in_the_patients_order()
    {
        var result = ExtractOurs("before-your-visit");

        var agenda = result.OfType<List>().Single();
        Assert.Equal(["My new water pill makes me dizzy", "Can I stop the knee brace?", "Help with sleep"], agenda.Entry.Select(e => e.Item.Display));
        Assert.Equal("priority", agenda.OrderedBy.Coding.Single().Code);
        Assert.Equal("visit-agenda", agenda.Code.Coding.Single().Code);
        Assert.Equal("Patient/example-patient", agenda.Subject.Reference);
        Assert.Equal("RelatedPerson/example-daughter", agenda.Source.Reference);
        Assert.Null(agenda.Encounter);
    }

    [Fact]
    public void The_agenda_and_the_note_name_the_visit_when_the_response_does()
    {
        var response = Completed("before-your-visit");
        response.Encounter = new ResourceReference("Encounter/example-visit");

        var result = Extractor.Extract(response, Ours("before-your-visit"), ContextFor(response));

        Assert.Equal("Encounter/example-visit", result.OfType<List>().Single().Encounter.Reference);
        Assert.Equal("Encounter/example-visit", result.PatientNote!.Context.Encounter.Single().Reference);
    }

    [Fact]
    public void My_care_preferences_extracts_one_observation_per_answered_preference()
    {
        var observations = ExtractOurs("my-care-preferences").OfType<Observation>().ToList();

        Assert.Equal(["language", "contact", "information", "treatment"],
            observations.Select(o => o.Code.Coding.Single(c => c.System!.EndsWith("pv-care-preference-kind", StringComparison.Ordinal)).Code));
        Assert.Equal("No blood transfusions", ((FhirString)observations[3].Value).Value);
        Assert.Equal("75773-2", observations[3].Code.Coding.First().Code);
        Assert.All(observations, o =>
        {
            Assert.Equal("QuestionnaireResponse/care-preferences-completed", o.DerivedFrom.Single().Reference);
            Assert.Equal("Patient/example-patient", o.Subject.Reference);
            Assert.Equal("Patient/example-patient", o.Performer.Single().Reference);
            Assert.Equal("2026-11-20T10:15:00Z", ((FhirDateTime)o.Effective).Value);
        });
    }

    [Fact]
    public void What_I_know_extracts_one_observation_per_answered_item_focused_on_the_condition_named()
    {
        var observations = ExtractOurs("what-i-know-about-my-condition").OfType<Observation>().ToList();

        Assert.Equal(8, observations.Count);
        Assert.Equal(7, observations.Count(o => o.Focus.Single().Display == "Asthma"));
        var knee = observations.Single(o => o.Focus.Single().Display == "my bad knee");
        Assert.Equal("what-helps", knee.Code.Coding.Single().Code);
        Assert.Equal("Swimming", ((FhirString)knee.Value).Value);
        Assert.Equal("self-knowledge-completed/condition/1/what-helps/0", knee.Identifier.Single().Value);
    }

    [Theory]
    [MemberData(nameof(QuestionnaireIds))]
    public async System.Threading.Tasks.Task Every_resource_extracted_from_each_questionnaire_is_valid_against_our_profiles(string id)
    {
        var result = ExtractOurs(id);

        Assert.NotEmpty(result.Resources);
        foreach (var resource in result.Resources.Select(r => r.Resource).Append(result.Provenance))
        {
            var report = await fixture.Validator.ValidateAsync(resource);
            Assert.True(report.IsValid, $"{resource.TypeName}: " + string.Join(" | ", report.Errors.Select(e => $"{e.Expression}: {e.Diagnostics}")));
            Assert.NotEmpty(fixture.Validator.DefaultProfilesFor(resource));
        }
    }

    [Theory]
    [MemberData(nameof(QuestionnaireIds))]
    public void The_provenance_names_the_response_as_source_and_targets_everything_extracted(string id)
    {
        var result = ExtractOurs(id);

        Assert.Equal(result.Resources.Select(r => r.FullUrl), result.Provenance.Target.Select(t => t.Reference));
        Assert.Equal($"QuestionnaireResponse/{Completed(id).Id}", result.Provenance.Entity.Single().What.Reference);
        Assert.Equal(Completed(id).Author.Reference, result.Provenance.Agent.Single().Who.Reference);
        Assert.Equal(Now, result.Provenance.Recorded);
    }

    [Fact]
    public void A_family_member_filling_in_for_the_patient_is_the_author_on_behalf_of_the_patient()
    {
        var result = ExtractOurs("before-your-visit");

        var agent = result.Provenance.Agent.Single();
        Assert.Equal("RelatedPerson/example-daughter", agent.Who.Reference);
        Assert.Equal("Patient/example-patient", agent.OnBehalfOf.Reference);
        Assert.DoesNotContain(result.Issues, i => i.Expression == "QuestionnaireResponse.author");
    }

    [Theory]
    [MemberData(nameof(QuestionnaireIds))]
    public void Extracting_the_same_response_twice_gives_the_same_identifiers_and_full_urls(string id)
    {
        var first = ExtractOurs(id);
        var second = ExtractOurs(id);

        Assert.Equal(first.Resources.Select(r => (r.IdentifierValue, r.FullUrl)), second.Resources.Select(r => (r.IdentifierValue, r.FullUrl)));
        Assert.Equal(first.Resources.Count, first.Resources.Select(r => r.IdentifierValue).Distinct().Count());
    }

    [Fact]
    public void The_patient_note_groups_the_answers_under_the_patients_headings()
    {
        var result = ExtractOurs("before-your-visit");

        var note = result.PatientNote!;
        Assert.Equal("51855-5", note.Type.Coding.Single().Code);
        Assert.Equal("text/html", note.Content.Single().Attachment.ContentType);
        var html = Encoding.UTF8.GetString(note.Content.Single().Attachment.Data);
        Assert.Contains("<h3>What I&#39;m hoping for</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<h3>What worries me</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<h3>My preferences</h3>", html, StringComparison.Ordinal);
        Assert.Contains("Falling at home", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Who is filling this in", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("What I&#39;m hoping for", StringComparison.Ordinal) < html.IndexOf("What worries me", StringComparison.Ordinal));
    }

    [Fact]
    public async System.Threading.Tasks.Task The_note_and_the_narrative_escape_a_script_typed_as_an_answer()
    {
        var response = Completed("my-goals");
        response.Item[1].Item[0].Answer[0].Value = new FhirString("<script>alert('x')</script> & more");

        var result = Extractor.Extract(response, Ours("my-goals"), ContextFor(response));

        var html = Encoding.UTF8.GetString(result.PatientNote!.Content.Single().Attachment.Data);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more", html, StringComparison.Ordinal);
        Assert.Contains("<h3>My goals</h3>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", result.ResponseText.Div, StringComparison.Ordinal);
        response.Text = result.ResponseText;
        var report = await fixture.Validator.ValidateAsync(response);
        Assert.True(report.IsValid, string.Join(" | ", report.Errors.Select(e => $"{e.Expression}: {e.Diagnostics}")));
    }

    [Fact]
    public void The_transaction_updates_each_extracted_resource_conditionally_on_its_identifier_and_posts_the_provenance()
    {
        var response = Completed("my-goals");
        var result = Extractor.Extract(response, Ours("my-goals"), ContextFor(response));

        var bundle = Extractor.ToTransaction(result, response);

        Assert.Equal(Bundle.BundleType.Transaction, bundle.Type);
        Assert.Equal("QuestionnaireResponse/goals-completed", bundle.Entry[0].Request.Url);
        Assert.NotNull(((QuestionnaireResponse)bundle.Entry[0].Resource).Text);
        Assert.Equal(
            "Goal?identifier=http%3A%2F%2Fpatientvoice.example.org%2Ffhir%2Fsid%2Fextracted|goals-completed%2Fgoal%2F0",
            bundle.Entry[1].Request.Url);
        Assert.All(bundle.Entry.Skip(1).SkipLast(1), e => Assert.Equal(Bundle.HTTPVerb.PUT, e.Request.Method));
        Assert.All(bundle.Entry, e => Assert.StartsWith("urn:uuid:", e.FullUrl, StringComparison.Ordinal));
        Assert.Equal(Bundle.HTTPVerb.POST, bundle.Entry[^1].Request.Method);
        var entryUrls = bundle.Entry.Select(e => e.FullUrl).ToHashSet();
        Assert.All(((Provenance)bundle.Entry[^1].Resource).Target, t => Assert.Contains(t.Reference, entryUrls));
    }

    [Fact]
    public async System.Threading.Tasks.Task Amending_away_a_goal_finds_it_and_ends_it_rather_than_deleting_it()
    {
        var response = Completed("my-goals");
        var before = Extractor.Extract(response, Ours("my-goals"), ContextFor(response));
        response.Item.RemoveAt(1);
        response.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Amended;

        var after = Extractor.Extract(response, Ours("my-goals"), ContextFor(response));
        var removed = after.NoLongerExtracted(before.Resources.Select(r => r.Resource)).ToList();

        var goal = Assert.IsType<Goal>(Assert.Single(removed));
        Assert.Equal("Sleep through the night", goal.Description.Text);
        var ended = PatientVoice.Fhir.Goals.GoalLifecycle.EndRemoved(goal, Now);
        Assert.Equal(Goal.GoalLifecycleStatus.Cancelled, ended.LifecycleStatus);
        Assert.Contains(ended.Note, n => n.Text.ToString()!.Contains("removed", StringComparison.Ordinal));
        Assert.Equal(Goal.GoalLifecycleStatus.Proposed, goal.LifecycleStatus);
        var report = await fixture.Validator.ValidateAsync(ended);
        Assert.True(report.IsValid, string.Join(" | ", report.Errors.Select(e => $"{e.Expression}: {e.Diagnostics}")));
    }

    [Fact]
    public void When_the_goal_groups_keep_item_ids_removing_the_first_goal_ends_that_goal_and_keeps_the_other()
    {
        var previousVersion = Completed("my-goals");
        previousVersion.Item[0].ElementId = "walk";
        previousVersion.Item[1].ElementId = "sleep";
        var amended = (QuestionnaireResponse)previousVersion.DeepCopy();
        amended.Item.RemoveAt(0);

        var before = Extractor.Extract(previousVersion, Ours("my-goals"), ContextFor(previousVersion));
        var after = Extractor.Extract(amended, Ours("my-goals"), ContextFor(amended));

        var gone = Assert.Single(after.NoLongerExtracted(before));
        Assert.Equal("goals-completed/goal/walk", gone.IdentifierValue);
        Assert.StartsWith("Goal?identifier=", gone.ConditionalUrl, StringComparison.Ordinal);
        Assert.Equal("goals-completed/goal/sleep", after.OfType<Goal>().Single().Identifier.Single().Value);
    }

    [Fact]
    public void Without_item_ids_goals_are_matched_by_position_so_removing_the_first_rewrites_it_and_ends_the_last()
    {
        var previousVersion = Completed("my-goals");
        var amended = Completed("my-goals");
        amended.Item.RemoveAt(0);

        var before = Extractor.Extract(previousVersion, Ours("my-goals"), ContextFor(previousVersion));
        var after = Extractor.Extract(amended, Ours("my-goals"), ContextFor(amended));

        Assert.Equal("goals-completed/goal/1", Assert.Single(after.NoLongerExtracted(before)).IdentifierValue);
        Assert.Equal("goals-completed/goal/0", after.OfType<Goal>().Single().Identifier.Single().Value);
    }

    [Fact]
    public void A_response_that_says_a_family_member_answered_but_names_the_patient_as_author_gets_a_warning()
    {
        var response = Completed("before-your-visit");
        response.Author = new ResourceReference("Patient/example-patient");

        var result = Extractor.Extract(response, Ours("before-your-visit"), ContextFor(response));

        Assert.Contains(result.Issues, i => i.Expression == "QuestionnaireResponse.author" && i.Severity == OperationOutcome.IssueSeverity.Warning);
    }

    [Fact]
    public void Staff_who_helped_are_recorded_as_enterer_beside_the_patient_as_author()
    {
        var response = Completed("my-goals");
        var context = ExtractionContext.For(response, Clock, new ResourceReference("Practitioner/nurse-1"));

        var result = Extractor.Extract(response, Ours("my-goals"), context);

        Assert.Equal(Respondent.PatientHelpedByStaff, context.Respondent);
        Assert.Equal(["author", "enterer"], result.Provenance.Agent.Select(a => a.Type.Coding.Single().Code));
        Assert.Equal("Patient/example-patient", result.Provenance.Agent[0].Who.Reference);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_response_typed_by_staff_is_authored_by_the_patient_with_the_staff_member_as_enterer()
    {
        var response = Completed("my-care-preferences");
        response.Author = new ResourceReference("Practitioner/nurse-1");

        var context = ContextFor(response);
        var result = Extractor.Extract(response, Ours("my-care-preferences"), context);

        Assert.Equal(Respondent.PatientHelpedByStaff, context.Respondent);
        Assert.Equal("Patient/example-patient", context.Author.Reference);
        Assert.Equal(["Patient/example-patient", "Practitioner/nurse-1"], result.Provenance.Agent.Select(a => a.Who.Reference));
        Assert.All(result.OfType<Observation>(), o => Assert.Equal("Patient/example-patient", o.Performer.Single().Reference));
        var report = await fixture.Validator.ValidateAsync(result.Provenance);
        Assert.True(report.IsValid, string.Join(" | ", report.Errors.Select(e => $"{e.Expression}: {e.Diagnostics}")));
    }

    // The next three were found by the extraction proof (Differential/ExtractionProofTests, docs/adr/0034).
    [Theory]
    [MemberData(nameof(QuestionnaireIds))]
    public void A_response_that_extracts_nothing_has_no_provenance_and_its_transaction_holds_the_response_alone(string id)
    {
        var response = Completed(id);
        response.Item.Clear();

        var result = Extractor.Extract(response, Ours(id), ContextFor(response));

        Assert.Empty(result.Resources);
        Assert.Null(result.Provenance);
        Assert.DoesNotContain(result.Issues, i => i.Severity == OperationOutcome.IssueSeverity.Error);
        var entry = Assert.Single(Extractor.ToTransaction(result, response).Entry);
        Assert.IsType<QuestionnaireResponse>(entry.Resource);
    }

    [Fact]
    public void A_response_typed_by_staff_whose_subject_is_no_patient_reference_is_refused_at_its_subject()
    {
        var response = Completed("my-care-preferences");
        response.Author = new ResourceReference("Practitioner/nurse-1");
        response.Source = null;
        response.Subject = new ResourceReference("urn:uuid:0b6c7e0e-2f7a-4c59-9d77-5c1f3b0c9a10");

        var result = Extractor.Extract(response, Ours("my-care-preferences"), ContextFor(response));

        Assert.Contains(result.Issues, i => i.Expression == "QuestionnaireResponse.subject" && i.Severity == OperationOutcome.IssueSeverity.Error);
    }

    [Fact]
    public void A_hidden_goal_id_that_is_not_a_FHIR_id_does_not_become_the_goals_id()
    {
        var response = Completed("my-goals");
        response.Item.First(i => i.LinkId == "goal").Item.Add(Answer("goal-id", new FhirString("has space")));

        var result = Extractor.Extract(response, Ours("my-goals"), ContextFor(response));

        Assert.All(result.OfType<Goal>(), g => Assert.Null(g.Id));
        Assert.Contains(result.Issues, i => i.Diagnostics.Contains("Goal.id", StringComparison.Ordinal) && i.Severity == OperationOutcome.IssueSeverity.Warning);
    }

    [Theory]
    [MemberData(nameof(QuestionnaireIds))]
    public async System.Threading.Tasks.Task The_submission_transaction_for_each_questionnaire_is_a_valid_bundle(string id)
    {
        var response = Completed(id);
        var bundle = Extractor.ToTransaction(Extractor.Extract(response, Ours(id), ContextFor(response)), response);

        var report = await fixture.Validator.ValidateAsync(bundle);

        Assert.True(report.IsValid, string.Join(" | ", report.Errors.Select(e => $"{e.Expression}: {e.Diagnostics}")));
    }

    private ExtractionResult ExtractOurs(string id)
    {
        var response = Completed(id);
        return Extractor.Extract(response, Ours(id), ContextFor(response));
    }

    private Questionnaire Ours(string id) => fixture.Package.Questionnaires.Single(q => q.Id == id);
}
