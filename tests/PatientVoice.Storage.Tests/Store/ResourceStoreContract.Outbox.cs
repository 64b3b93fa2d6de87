using PatientVoice.Storage.Outbox;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>The outbox half of the contract: enqueued with the write, claimed under leases, finished once.</summary>
public abstract partial class ResourceStoreContract
{
    private const string Topic = "test-topic";
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    private IOutbox Outbox => Store as IOutbox ?? throw new InvalidOperationException($"{Store.GetType().Name} has no outbox.");

    [Fact]
    public async Task A_message_enqueued_with_a_committed_write_is_claimable_with_its_payload()
    {
        await using (var session = await Store.BeginWriteAsync(default))
        {
            await session.PutAsync(Goal("walk again"), null, default);
            await session.EnqueueAsync(new OutboxMessage(Topic, "k1", "{\"response\":\"r1\"}"), default);
            await session.CommitAsync(default);
        }

        var claims = await Outbox.ClaimDueAsync(Topic, 10, LongLease, default);

        var claim = Assert.Single(claims);
        Assert.Equal("k1", claim.Key);
        Assert.Equal("{\"response\":\"r1\"}", claim.Payload);
        Assert.Equal(1, claim.Attempt);
        Assert.True(claim.LeaseUntil > DateTimeOffset.UtcNow.AddMinutes(4));
    }

    [Fact]
    public async Task A_message_enqueued_in_a_write_that_is_rolled_back_does_not_exist()
    {
        await using (var session = await Store.BeginWriteAsync(default))
        {
            await session.PutAsync(Goal("never stored"), null, default);
            await session.EnqueueAsync(new OutboxMessage(Topic, "rolled-back", "{}"), default);
        }

        Assert.Empty(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        Assert.Null(await Outbox.FindAsync(Topic, "rolled-back", default));
    }

    [Fact]
    public async Task Enqueuing_a_key_again_keeps_the_first_message_only()
    {
        await EnqueueAsync("same", "first");
        await EnqueueAsync("same", "second");

        var claim = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        Assert.Equal("first", claim.Payload);
    }

    [Fact]
    public async Task Messages_of_another_topic_are_not_claimed()
    {
        await EnqueueAsync("mine", "{}");
        await using (var session = await Store.BeginWriteAsync(default))
        {
            await session.EnqueueAsync(new OutboxMessage("other-topic", "theirs", "{}"), default);
            await session.CommitAsync(default);
        }

        Assert.Equal(["mine"], (await Outbox.ClaimDueAsync(Topic, 10, LongLease, default)).Select(c => c.Key));
    }

    [Fact]
    public async Task A_leased_message_is_not_claimed_again_until_its_lease_runs_out_and_then_counts_a_second_attempt()
    {
        await EnqueueAsync("leased", "{}");
        var first = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, TimeSpan.FromMilliseconds(300), default));

        Assert.Empty(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        var second = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(2, second.Attempt);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
    }

    [Fact]
    public async Task A_worker_whose_lease_was_taken_over_cannot_finish_the_message()
    {
        await EnqueueAsync("taken-over", "{}");
        var stale = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, TimeSpan.FromMilliseconds(200), default));
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var current = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));

        Assert.False(await Outbox.CompleteAsync(stale, default));
        Assert.False(await Outbox.FailAsync(stale, "stale worker", default));
        Assert.False(await Outbox.RescheduleAsync(stale, DateTimeOffset.UtcNow, "stale worker", default));
        Assert.Equal(OutboxState.Pending, (await Outbox.FindAsync(Topic, "taken-over", default))!.State);
        Assert.True(await Outbox.CompleteAsync(current, default));
    }

    [Fact]
    public async Task A_completed_message_is_never_claimed_again_and_shows_as_completed()
    {
        await EnqueueAsync("done", "{}");
        var claim = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));

        Assert.True(await Outbox.CompleteAsync(claim, default));
        Assert.False(await Outbox.CompleteAsync(claim, default));

        Assert.Empty(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        var entry = await Outbox.FindAsync(Topic, "done", default);
        Assert.Equal(OutboxState.Completed, entry!.State);
        Assert.Equal(1, entry.Attempts);
        Assert.NotNull(entry.FinishedAt);
    }

    [Fact]
    public async Task A_rescheduled_message_waits_for_its_due_time_and_keeps_the_reason()
    {
        await EnqueueAsync("later", "{}");
        var claim = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));

        Assert.True(await Outbox.RescheduleAsync(claim, DateTimeOffset.UtcNow.AddMilliseconds(400), "503 from the EHR", default));

        Assert.Empty(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        var waiting = await Outbox.FindAsync(Topic, "later", default);
        Assert.Equal(OutboxState.Pending, waiting!.State);
        Assert.Equal("503 from the EHR", waiting.LastError);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var again = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        Assert.Equal(2, again.Attempt);
    }

    [Fact]
    public async Task A_retry_scheduled_while_the_clock_was_ahead_is_due_as_soon_as_the_clock_steps_back()
    {
        Clock.StepTo(TimeSpan.FromMinutes(5));
        await EnqueueAsync("ahead", "{}");
        var claim = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        Assert.True(await Outbox.RescheduleAsync(claim, Clock.GetUtcNow().AddMinutes(1), "503 from the EHR", default));
        Assert.Empty(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));

        // Back to true time: the minute was measured from a clock five minutes ahead; waiting for it would park the
        // message for six. It goes now (early, which at-least-once delivery allows).
        Clock.StepTo(TimeSpan.Zero);
        var again = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        Assert.Equal(2, again.Attempt);
    }

    [Fact]
    public async Task A_message_enqueued_before_the_clock_stepped_back_is_claimed_while_the_clock_is_behind()
    {
        await EnqueueAsync("before-the-step", "{}");
        await EnqueueAsync("released", "{}");
        var released = Assert.Single(await Outbox.ClaimDueAsync(Topic, 1, LongLease, default));
        Assert.True(await Outbox.ReleaseAsync(released, Clock.GetUtcNow().AddSeconds(1), default));

        Clock.StepTo(TimeSpan.FromMinutes(-5));

        var claims = await Outbox.ClaimDueAsync(Topic, 10, LongLease, default);
        Assert.Equal(["before-the-step", "released"], claims.Select(c => c.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_lease_taken_while_the_clock_was_ahead_is_not_taken_over_before_it_runs_out_by_the_clock_that_reads_it()
    {
        await EnqueueAsync("held", "{}");
        Clock.StepTo(TimeSpan.FromMinutes(5));
        Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, TimeSpan.FromMinutes(1), default));

        // Taking a lease early would put two workers on one message; a crashed worker's lease runs out late instead.
        Clock.StepTo(TimeSpan.Zero);
        Assert.Empty(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        Clock.StepTo(TimeSpan.FromMinutes(6.5));
        Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
    }

    [Fact]
    public async Task A_failed_message_is_never_claimed_again_and_keeps_the_reason()
    {
        await EnqueueAsync("refused", "{}");
        var claim = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));

        Assert.True(await Outbox.FailAsync(claim, "the EHR refused the patient note (422)", default));

        Assert.Empty(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        var entry = await Outbox.FindAsync(Topic, "refused", default);
        Assert.Equal(OutboxState.Failed, entry!.State);
        Assert.Equal("the EHR refused the patient note (422)", entry.LastError);
    }

    [Fact]
    public async Task Claims_take_the_oldest_due_first_and_at_most_the_count_asked_for()
    {
        foreach (var key in new[] { "a", "b", "c" })
        {
            await EnqueueAsync(key, "{}");
        }

        Assert.Equal(["a", "b"], (await Outbox.ClaimDueAsync(Topic, 2, LongLease, default)).Select(c => c.Key));
        Assert.Equal(["c"], (await Outbox.ClaimDueAsync(Topic, 2, LongLease, default)).Select(c => c.Key));
    }

    [Fact]
    public async Task Workers_claiming_side_by_side_never_get_the_same_message()
    {
        for (var i = 0; i < 40; i++)
        {
            await EnqueueAsync($"m{i}", "{}");
        }

        var claimed = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while ((await Outbox.ClaimDueAsync(Topic, 3, LongLease, default)) is { Count: > 0 } claims)
            {
                foreach (var claim in claims)
                {
                    claimed.Add(claim.Id);
                }
            }
        })));

        Assert.Equal(40, claimed.Count);
        Assert.Equal(40, claimed.Distinct().Count());
    }

    [Fact]
    public async Task The_list_shows_the_newest_first_and_filters_by_state()
    {
        await EnqueueAsync("old", "{}");
        await EnqueueAsync("new", "{}");
        var claims = await Outbox.ClaimDueAsync(Topic, 1, LongLease, default);
        await Outbox.FailAsync(Assert.Single(claims), "refused", default);

        Assert.Equal(["new", "old"], (await Outbox.ListAsync(Topic, null, 10, default)).Select(e => e.Key));
        Assert.Equal(["old"], (await Outbox.ListAsync(Topic, OutboxState.Failed, 10, default)).Select(e => e.Key));
        Assert.Equal(["new"], (await Outbox.ListAsync(Topic, OutboxState.Pending, 10, default)).Select(e => e.Key));
    }

    [Fact]
    public async Task A_renewed_claim_keeps_its_lease_and_its_note_and_a_stale_worker_cannot_renew()
    {
        await EnqueueAsync("renewed", "{}");
        var claim = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, TimeSpan.FromMilliseconds(200), default));

        Assert.True(await Outbox.RenewAsync(claim, LongLease, "Goal: 1000 written", default));
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        Assert.Empty(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        var entry = (await Outbox.FindAsync(Topic, "renewed", default))!;
        Assert.Equal(OutboxState.Pending, entry.State);
        Assert.Equal("Goal: 1000 written", entry.LastError);
        Assert.False(await Outbox.RenewAsync(claim with { LeaseToken = "someone-else" }, LongLease, "stale", default));
        Assert.True(await Outbox.CompleteAsync(claim, default));
        Assert.False(await Outbox.RenewAsync(claim, LongLease, "after completion", default));
    }

    [Fact]
    public async Task A_cancelled_message_is_failed_with_the_reason_and_its_worker_loses_the_claim()
    {
        await EnqueueAsync("cancelled-while-held", "{}");
        await EnqueueAsync("cancelled-while-queued", "{}");
        var held = Assert.Single(await Outbox.ClaimDueAsync(Topic, 1, LongLease, default));

        Assert.True(await Outbox.CancelAsync(Topic, "cancelled-while-held", "cancelled by the client", default));
        Assert.True(await Outbox.CancelAsync(Topic, "cancelled-while-queued", "cancelled by the client", default));

        Assert.False(await Outbox.RenewAsync(held, LongLease, "still working", default));
        Assert.False(await Outbox.CompleteAsync(held, default));
        Assert.Empty(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        var entry = (await Outbox.FindAsync(Topic, "cancelled-while-held", default))!;
        Assert.Equal(OutboxState.Failed, entry.State);
        Assert.Equal("cancelled by the client", entry.LastError);
        Assert.False(await Outbox.CancelAsync(Topic, "cancelled-while-held", "again", default));
        Assert.False(await Outbox.CancelAsync(Topic, "never-enqueued", "nothing", default));
    }

    private async Task EnqueueAsync(string key, string payload)
    {
        await using var session = await Store.BeginWriteAsync(default);
        await session.EnqueueAsync(new OutboxMessage(Topic, key, payload), default);
        await session.CommitAsync(default);
    }
}
