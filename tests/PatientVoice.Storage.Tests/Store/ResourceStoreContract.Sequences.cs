using PatientVoice.Storage.Outbox;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>The outbox's counters (a subscription's event numbers) and claims handed back unworked.</summary>
public abstract partial class ResourceStoreContract
{
    [Fact]
    public async Task A_sequence_counts_from_one_in_committed_transactions_only()
    {
        var name = "events/" + Guid.NewGuid().ToString("N");
        Assert.Equal(0, await Outbox.ReadSequenceAsync(name, default));
        await using (var session = await Store.BeginWriteAsync(default))
        {
            Assert.Equal(1, await session.NextInSequenceAsync(name, default));
            Assert.Equal(2, await session.NextInSequenceAsync(name, default));
            await session.CommitAsync(default);
        }

        await using (var rolledBack = await Store.BeginWriteAsync(default))
        {
            Assert.Equal(3, await rolledBack.NextInSequenceAsync(name, default));
        }

        Assert.Equal(2, await Outbox.ReadSequenceAsync(name, default));
        await using (var session = await Store.BeginWriteAsync(default))
        {
            Assert.Equal(3, await session.NextInSequenceAsync(name, default));
            await session.CommitAsync(default);
        }

        Assert.Equal(3, await Outbox.ReadSequenceAsync(name, default));
    }

    [Fact]
    public async Task A_claim_released_unworked_is_due_again_without_spending_an_attempt()
    {
        await EnqueueAsync("released", "{}");
        var claim = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));

        Assert.True(await Outbox.ReleaseAsync(claim, DateTimeOffset.UtcNow.AddSeconds(-1), default));

        var again = Assert.Single(await Outbox.ClaimDueAsync(Topic, 10, LongLease, default));
        Assert.Equal(1, again.Attempt);
        Assert.False(await Outbox.ReleaseAsync(claim, DateTimeOffset.UtcNow, default)); // the first lease is gone
    }
}
