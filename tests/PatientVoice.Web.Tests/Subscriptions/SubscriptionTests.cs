using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Application;
using PatientVoice.Application.Interactions;
using PatientVoice.Application.Submit;
using PatientVoice.Application.Subscriptions;
using PatientVoice.Storage;
using PatientVoice.Storage.Outbox;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Subscriptions;

/// <summary>
/// Topic-based subscriptions (R4 backport) end to end: real Kestrel receivers on 127.0.0.1, the real server on SQLite.
/// A subscription is handshaken to active; changes through every door notify once each, in order, numbered per
/// subscription; a receiver that is down for a while gets everything once it is back; one that answers 500 puts the
/// subscription in error with the reason; a slow one holds only its own queue.
/// </summary>
public sealed class SubscriptionTests(SubscriptionServerFixture server) : IClassFixture<SubscriptionServerFixture>
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async System.Threading.Tasks.Task A_subscription_is_handshaken_to_active_and_a_completed_questionnaire_of_its_patient_notifies_once()
    {
        await using var receiver = await Receiver.StartAsync();
        var patient = NewPatient();
        var id = await SubscribeAsync(receiver, SubscriptionTopics.QuestionnaireSubmitted, "id-only", $"QuestionnaireResponse?patient=Patient/{patient}");
        Assert.Single(receiver.Statuses("handshake"));

        var submitted = await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(Response(NewPatient()))));
        submitted = await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(Response(patient))));

        await receiver.WaitForAsync(r => r.Statuses("event-notification").Count >= 1, "the event");
        var notification = Assert.Single(receiver.Received, b => ((Parameters)b.Entry[0].Resource).GetSingleValue<Code>("type").Value == "event-notification");
        Assert.Equal(Bundle.BundleType.History, notification.Type);
        var status = (Parameters)notification.Entry[0].Resource;
        Assert.Equal([1L], status.EventNumbers());
        Assert.Equal("1", status.GetSingleValue<FhirString>("events-since-subscription-start").Value);
        Assert.Equal(SubscriptionTopics.QuestionnaireSubmitted.Url, status.GetSingleValue<Canonical>("topic").Value);
        Assert.EndsWith($"/QuestionnaireResponse/{submitted.Id}", status.Focus(), StringComparison.Ordinal);
        var focus = Assert.Single(notification.Entry.Skip(1));
        Assert.Null(focus.Resource); // id-only
        Assert.EndsWith($"/QuestionnaireResponse/{submitted.Id}", focus.FullUrl, StringComparison.Ordinal);

        var statusBundle = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Subscription/{id}/$status"));
        var queried = (Parameters)Assert.Single(statusBundle.Entry).Resource;
        Assert.Equal("active", queried.GetSingleValue<Code>("status").Value);
        Assert.Equal("1", queried.GetSingleValue<FhirString>("events-since-subscription-start").Value);
        var events = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Subscription/{id}/$events?eventsSinceNumber=1&content=full-resource"));
        Assert.Equal([1L], ((Parameters)events.Entry[0].Resource).EventNumbers());
        Assert.Equal(submitted.Id, Assert.IsType<QuestionnaireResponse>(events.Entry[1].Resource).Id);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_goal_changed_through_every_door_notifies_once_per_version_in_order()
    {
        await using var receiver = await Receiver.StartAsync();
        var patient = NewPatient();
        await SubscribeAsync(receiver, SubscriptionTopics.PatientGoalChanged, "full-resource", $"Goal?patient=Patient/{patient}");

        // POST
        var posted = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(PatientStatedGoal.Json($"Patient/{patient}", "Walk to the shop"))));
        // transaction
        var transaction = new Bundle { Type = Bundle.BundleType.Transaction };
        transaction.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:" + Guid.NewGuid(),
            Resource = PatientVoice.Fhir.Serialization.FhirSerializer.Parse<Goal>(PatientStatedGoal.Json($"Patient/{patient}", "Garden again")),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Goal" },
        });
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync("", FhirJson.Content(transaction))).StatusCode);
        // the patient page's submission path (SubmissionService), two goals in the response
        using var scope = server.Services.CreateScope();
        var submitted = await scope.ServiceProvider.GetRequiredService<SubmissionService>().SubmitAsync(Response(patient), new SubmitTarget.Create(null), CancellationToken.None);
        // My goals (a recorded page change)
        posted.Description.Text = "Walk to the shop and back";
        await scope.ServiceProvider.GetRequiredService<ResourceWrites>().WriteRecordedAsync(posted, null, new Actor($"Patient/{patient}", $"Patient/{patient}"), CancellationToken.None);
        // the same body again changes nothing, so notifies nothing
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync($"Goal/{posted.Id}", FhirJson.Content(await FhirJson.ReadAsync<Goal>(await _client.GetAsync($"Goal/{posted.Id}"))))).StatusCode);

        const int expected = 5; // POST, transaction, two extracted goals, the page change
        await receiver.WaitForAsync(r => r.Statuses("event-notification").Count >= expected, $"{expected} events");
        var notifications = receiver.Received.Where(b => ((Parameters)b.Entry[0].Resource).GetSingleValue<Code>("type").Value == "event-notification").ToList();
        Assert.Equal(Enumerable.Range(1, expected).Select(n => (long)n), notifications.SelectMany(b => ((Parameters)b.Entry[0].Resource).EventNumbers()));
        var versions = notifications.Select(b => Assert.IsType<Goal>(b.Entry[1].Resource)).Select(g => $"{g.Id}/{g.Meta.VersionId}").ToList();
        Assert.Equal(versions.Distinct().Count(), versions.Count);
        Assert.Contains($"{posted.Id}/2", versions);
        Assert.Contains(notifications, b => ((Goal)b.Entry[1].Resource).Description.Text == "Garden again");
        Assert.NotEqual(default, submitted.Stored.Id);
        // Nothing more arrives for this subscription: the unchanged PUT notified nothing.
        await System.Threading.Tasks.Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(expected, receiver.Statuses("event-notification").Count);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_goal_a_patient_posts_with_their_own_token_notifies_the_subscription_the_clinic_made()
    {
        // The clinic subscribes (a system token); the patient, whose token reaches only their own records and no
        // Subscription, posts a goal through the API. Which subscriptions are active is the server's business, not
        // something the writer's token must be able to read.
        await using var receiver = await Receiver.StartAsync();
        var patient = NewPatient();
        await SubscribeAsync(receiver, SubscriptionTopics.PatientGoalChanged, "id-only", $"Goal?patient=Patient/{patient}");
        using var patientClient = server.CreateFhirClient(FhirServerFixture.Token("patient/Goal.cruds", patient: patient, fhirUser: $"Patient/{patient}"));

        var response = await patientClient.PostAsync("Goal", FhirJson.Content(PatientStatedGoal.Json($"Patient/{patient}", "Sleep through the night")));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var posted = await FhirJson.ReadAsync<Goal>(response);

        await receiver.WaitForAsync(r => r.Statuses("event-notification").Count >= 1, "the event of the patient's goal");
        var notification = Assert.Single(receiver.Received, b => ((Parameters)b.Entry[0].Resource).GetSingleValue<Code>("type").Value == "event-notification");
        Assert.EndsWith($"/Goal/{posted.Id}", ((Parameters)notification.Entry[0].Resource).Focus(), StringComparison.Ordinal);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_receiver_down_for_a_while_gets_every_event_once_in_order_when_it_is_back()
    {
        await using var receiver = await Receiver.StartAsync();
        var patient = NewPatient();
        var id = await SubscribeAsync(receiver, SubscriptionTopics.QuestionnaireSubmitted, "empty", $"QuestionnaireResponse?patient=Patient/{patient}");
        await receiver.StopAsync();

        await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(Response(patient)));
        await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(Response(patient)));
        var outbox = server.Services.GetRequiredService<IOutbox>();
        await WaitAsync(async () => (await outbox.FindAsync(SubscriptionEvent.OutboxTopic, SubscriptionEvent.KeyOf(id, 1), CancellationToken.None))?.Attempts >= 2, "two failed attempts while the receiver is down");
        await receiver.StartAsync();

        await receiver.WaitForAsync(r => r.Statuses("event-notification").Count >= 2, "both events");
        Assert.Equal([1L, 2L], receiver.Statuses("event-notification").SelectMany(s => s.EventNumbers()));
        Assert.All(receiver.Received, b => Assert.Single(b.Entry)); // empty: the status only
        var subscription = await FhirJson.ReadAsync<Subscription>(await _client.GetAsync($"Subscription/{id}"));
        Assert.Equal(Subscription.SubscriptionStatus.Active, subscription.Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_receiver_answering_500_puts_the_subscription_in_error_with_the_reason()
    {
        await using var receiver = await Receiver.StartAsync();
        var patient = NewPatient();
        var id = await SubscribeAsync(receiver, SubscriptionTopics.QuestionnaireSubmitted, "id-only", $"QuestionnaireResponse?patient=Patient/{patient}");
        receiver.Mode = ReceiverMode.Fail500;

        await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(Response(patient)));

        var subscription = await WaitForStatusAsync(id, Subscription.SubscriptionStatus.Error);
        Assert.Contains("HTTP 500", subscription.Error, StringComparison.Ordinal);
        Assert.Contains("event 1", subscription.Error, StringComparison.Ordinal);
        var status = (Parameters)(await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Subscription/{id}/$status"))).Entry[0].Resource;
        Assert.Equal("error", status.GetSingleValue<Code>("status").Value);
        Assert.Contains("HTTP 500", status.GetSingleValue<CodeableConcept>("error").Text, StringComparison.Ordinal);
        Assert.Equal(5, receiver.Statuses("event-notification").Count);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_slow_endpoint_holds_only_its_own_subscription_and_a_redirect_is_not_followed()
    {
        await using var slow = await Receiver.StartAsync();
        await using var fast = await Receiver.StartAsync();
        var patient = NewPatient();
        await SubscribeAsync(slow, SubscriptionTopics.QuestionnaireSubmitted, "id-only", $"QuestionnaireResponse?patient=Patient/{patient}", timeoutSeconds: 60);
        await SubscribeAsync(fast, SubscriptionTopics.QuestionnaireSubmitted, "id-only", $"QuestionnaireResponse?patient=Patient/{patient}");
        slow.Mode = ReceiverMode.Slow;

        await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(Response(patient)));

        await fast.WaitForAsync(r => r.Statuses("event-notification").Count == 1, "the event while the slow endpoint holds its request");
        Assert.Equal(1, slow.Pending);

        await using var redirecting = await Receiver.StartAsync();
        var redirected = await SubscribeAsync(redirecting, SubscriptionTopics.QuestionnaireSubmitted, "id-only", $"QuestionnaireResponse?patient=Patient/{patient}");
        redirecting.Mode = ReceiverMode.Redirect;
        await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(Response(patient)));
        var subscription = await WaitForStatusAsync(redirected, Subscription.SubscriptionStatus.Error);
        Assert.Contains("redirect", subscription.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_safety_flag_raised_notifies_its_topic_and_the_backport_rules_are_enforced()
    {
        await using var receiver = await Receiver.StartAsync();
        var patient = NewPatient();
        await SubscribeAsync(receiver, SubscriptionTopics.SafetyFlagRaised, "id-only", $"QuestionnaireResponse?patient=Patient/{patient}");
        await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(Response(patient)));
        var flagged = Response(patient);
        var why = flagged.Item[0].Item.FirstOrDefault(i => i.LinkId == "goal-why");
        if (why is null)
        {
            flagged.Item[0].Item.Add(why = new() { LinkId = "goal-why" });
        }

        why.Answer = [new() { Value = new FhirString("Some days I want to die") }];
        var stored = await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(flagged)));

        await receiver.WaitForAsync(r => r.Statuses("event-notification").Count >= 1, "the flag");
        Assert.EndsWith($"/QuestionnaireResponse/{stored.Id}", Assert.Single(receiver.Statuses("event-notification")).Focus(), StringComparison.Ordinal);

        // full-resource to plain http off loopback: refused.
        var insecure = NewSubscription(SubscriptionTopics.QuestionnaireSubmitted, "http://example.org/hook", "full-resource", null);
        var refused = await _client.PostAsync("Subscription", FhirJson.Content(insecure));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        // a filter the topic does not offer: refused with canFilterBy named.
        var unknown = await _client.PostAsync("Subscription", FhirJson.Content(NewSubscription(SubscriptionTopics.PatientGoalChanged, receiver.Endpoint, "id-only", "Goal?lifecycle-status=active")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Contains("canFilterBy", (await FhirJson.ReadAsync<OperationOutcome>(unknown)).Issue[0].Diagnostics, StringComparison.Ordinal);
        // a token that cannot read QuestionnaireResponse cannot subscribe to it.
        using var goalsOnly = server.CreateFhirClient(FhirServerFixture.Token("system/Subscription.cruds system/Goal.rs"));
        var forbidden = await goalsOnly.PostAsync("Subscription", FhirJson.Content(NewSubscription(SubscriptionTopics.QuestionnaireSubmitted, receiver.Endpoint, "id-only", null)));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(OperationOutcome.IssueType.Forbidden, (await FhirJson.ReadAsync<OperationOutcome>(forbidden)).Issue[0].Code);
        // the grant is the server's: a client cannot write one.
        var forged = NewSubscription(SubscriptionTopics.PatientGoalChanged, receiver.Endpoint, "id-only", null);
        forged.Extension.Add(new Extension { Url = SubscriberGrant.Url, Extension = [new Extension("read", new FhirString("QuestionnaireResponse|*"))] });
        var created = await FhirJson.ReadAsync<Subscription>(await goalsOnly.PostAsync("Subscription", FhirJson.Content(forged)));
        Assert.Equal(["Goal|*"], created.GetExtension(SubscriberGrant.Url).Extension.Where(e => e.Url == "read").Select(e => e.Value.ToString()));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_quiet_subscription_gets_heartbeats_that_carry_the_count_of_events_so_far_and_one_without_a_period_gets_none()
    {
        await using var beating = await Receiver.StartAsync();
        await using var silent = await Receiver.StartAsync();
        var patient = NewPatient();
        await SubscribeAsync(silent, SubscriptionTopics.QuestionnaireSubmitted, "id-only", $"QuestionnaireResponse?patient=Patient/{patient}");
        await SubscribeAsync(beating, SubscriptionTopics.QuestionnaireSubmitted, "id-only", $"QuestionnaireResponse?patient=Patient/{patient}", heartbeatSeconds: 1);

        await beating.WaitForAsync(r => r.Statuses("heartbeat").Count >= 2, "two heartbeats");
        var quiet = beating.Statuses("heartbeat")[0];
        Assert.Equal("0", quiet.GetSingleValue<FhirString>("events-since-subscription-start").Value);
        Assert.Empty(quiet.EventNumbers());
        Assert.All(beating.Received.Where(b => ((Parameters)b.Entry[0].Resource).GetSingleValue<Code>("type").Value == "heartbeat"), b =>
        {
            Assert.Equal(Bundle.BundleType.History, b.Type);
            Assert.Single(b.Entry); // the status only, whatever the subscription's content
        });

        await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(Response(patient)));
        await beating.WaitForAsync(r => r.Statuses("event-notification").Count == 1, "the event");
        var before = beating.Statuses("heartbeat").Count;
        await beating.WaitForAsync(r => r.Statuses("heartbeat").Count > before, "a heartbeat after the event");
        Assert.Equal("1", beating.Statuses("heartbeat")[^1].GetSingleValue<FhirString>("events-since-subscription-start").Value);

        await silent.WaitForAsync(r => r.Statuses("event-notification").Count == 1, "the event");
        Assert.Empty(silent.Statuses("heartbeat"));
    }

    [Fact]
    public async System.Threading.Tasks.Task The_topics_are_published_as_basic_and_in_the_capability_statement()
    {
        var metadata = await FhirJson.ReadAsync<CapabilityStatement>(await _client.GetAsync("metadata"));
        Assert.Contains("http://hl7.org/fhir/uv/subscriptions-backport/CapabilityStatement/backport-subscription-server-r4", metadata.Instantiates);
        var subscription = metadata.Rest[0].Resource.Single(r => r.Type == "Subscription");
        Assert.Equal(SubscriptionTopics.All.Select(t => t.Url), subscription.Extension.Select(e => ((Canonical)e.Value).Value));
        Assert.Contains(subscription.Operation, o => o.Name == "status");
        Assert.Contains(subscription.Operation, o => o.Name == "events");

        var topics = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync("Basic?code=SubscriptionTopic"));
        Assert.Equal(SubscriptionTopics.All.Select(t => t.Id).Order(StringComparer.Ordinal), topics.Entry.Select(e => e.Resource.Id).Order(StringComparer.Ordinal));
        var basic = await FhirJson.ReadAsync<Basic>(await _client.GetAsync("Basic/questionnaire-submitted"));
        Assert.Equal(["patient", "questionnaire"], basic.Extension.Where(e => e.Url.EndsWith(".canFilterBy", StringComparison.Ordinal))
            .Select(e => e.Extension.Single(x => x.Url == "filterParameter").Value.ToString()));
    }

    private async Task<string> SubscribeAsync(Receiver receiver, SubscriptionTopic topic, string content, string? filter, int? timeoutSeconds = null, int? heartbeatSeconds = null)
    {
        var subscription = NewSubscription(topic, receiver.Endpoint, content, filter, timeoutSeconds);
        if (heartbeatSeconds is { } period)
        {
            subscription.Channel.AddExtension(BackportSubscription.HeartbeatPeriodUrl, new UnsignedInt(period));
        }

        var response = await _client.PostAsync("Subscription", FhirJson.Content(subscription));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await FhirJson.ReadAsync<Subscription>(response);
        Assert.Equal(Subscription.SubscriptionStatus.Requested, created.Status);
        await WaitForStatusAsync(created.Id, Subscription.SubscriptionStatus.Active);
        return created.Id;
    }

    private async Task<Subscription> WaitForStatusAsync(string id, Subscription.SubscriptionStatus status)
    {
        Subscription? current = null;
        await WaitAsync(async () => (current = await FhirJson.ReadAsync<Subscription>(await _client.GetAsync($"Subscription/{id}"))).Status == status,
            () => $"Subscription/{id} {status} (it is {current?.Status}: {current?.Error})");
        return current!;
    }

    private static System.Threading.Tasks.Task WaitAsync(Func<Task<bool>> done, string what) => WaitAsync(done, () => what);

    private static async System.Threading.Tasks.Task WaitAsync(Func<Task<bool>> done, Func<string> what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not reached within 60 s: {what()}.");
            }

            await System.Threading.Tasks.Task.Delay(100);
        }
    }

    internal static Subscription NewSubscription(SubscriptionTopic topic, string endpoint, string content, string? filter, int? timeoutSeconds = null)
    {
        var subscription = new Hl7.Fhir.Model.Subscription
        {
            Status = Hl7.Fhir.Model.Subscription.SubscriptionStatus.Requested,
            Reason = "Tests",
            Criteria = topic.Url,
            Channel = new Subscription.ChannelComponent
            {
                Type = Hl7.Fhir.Model.Subscription.SubscriptionChannelType.RestHook,
                Endpoint = endpoint,
                Payload = "application/fhir+json",
                Header = ["Authorization: Bearer receiver-secret"],
            },
        };
        subscription.Channel.PayloadElement!.AddExtension(BackportSubscription.PayloadContentUrl, new Code(content));
        if (timeoutSeconds is { } seconds)
        {
            subscription.Channel.AddExtension(BackportSubscription.TimeoutUrl, new UnsignedInt(seconds));
        }

        if (filter is not null)
        {
            subscription.CriteriaElement!.AddExtension(BackportSubscription.FilterCriteriaUrl, new FhirString(filter));
        }

        return subscription;
    }

    private static string NewPatient() => "sub-" + Guid.NewGuid().ToString("N")[..12];

    internal static QuestionnaireResponse Response(string patient)
    {
        var response = FhirJson.CompletedResponse("my-goals");
        response.Subject = new ResourceReference($"Patient/{patient}");
        response.Author = new ResourceReference($"Patient/{patient}");
        if (response.Source is not null)
        {
            response.Source = new ResourceReference($"Patient/{patient}");
        }

        return response;
    }
}
