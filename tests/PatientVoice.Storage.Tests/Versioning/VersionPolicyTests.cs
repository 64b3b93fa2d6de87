using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage.Versioning;

namespace PatientVoice.Storage.Tests.Versioning;

/// <summary>
/// The versioning rules both adapters share, without a database. A current version is written as
/// <c>none</c>, <c>live N</c> or <c>deleted N</c>; a change by its <see cref="VersionChange"/> name (the enum is internal).
/// </summary>
public sealed class VersionPolicyTests
{
    private const string Id = "goal-1";
    private static readonly DateTimeOffset StoredAt = new(2026, 12, 1, 9, 30, 0, 123, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 10, 0, 0, 456, TimeSpan.Zero);

    [Theory]
    [InlineData("none", null, nameof(VersionChange.Create), 1, true, "POST")]
    [InlineData("live 3", null, nameof(VersionChange.Update), 4, false, "PUT")]
    [InlineData("live 3", 3, nameof(VersionChange.Update), 4, false, "PUT")]
    [InlineData("deleted 4", null, nameof(VersionChange.Recreate), 5, true, "PUT")]
    public void A_put_of_a_new_body_adds_the_next_version_and_says_whether_it_created_the_resource(
        string current, int? ifMatch, string change, int number, bool created, string method)
    {
        var resource = Request(sameBody: false);

        var next = VersionPolicy.ForPut(resource, Current(current), ifMatch);
        var written = next.Stamp(resource, Now);

        Assert.Equal(Enum.Parse<VersionChange>(change), next.Change);
        Assert.True(next.AddsVersion);
        Assert.Null(next.Unchanged);
        Assert.Equal(new StoredResource("Goal", Id, number, Now, false, FhirSerializer.ToJson(resource), method), written);
        Assert.Equal(new WriteResult(written, created), next.Result(written));
    }

    [Theory]
    [InlineData("live 3", null)]
    [InlineData("live 3", 3)]
    [InlineData("live 3", 7)]
    public void A_put_of_the_body_as_stored_keeps_the_current_version_whatever_its_If_Match(string current, int? ifMatch)
    {
        var resource = Request(sameBody: true);

        var next = VersionPolicy.ForPut(resource, Current(current), ifMatch);

        Assert.Equal(VersionChange.KeepCurrent, next.Change);
        Assert.False(next.AddsVersion);
        Assert.Equal(new WriteResult(Current(current)!, Created: false, Unchanged: true), next.Unchanged);
        Assert.Throws<InvalidOperationException>(() => next.Stamp(resource, Now));
    }

    [Theory]
    [InlineData("none", 1, "which does not exist")]
    [InlineData("live 3", 2, "but the current version is 3")]
    [InlineData("live 3", 4, "but the current version is 3")]
    [InlineData("deleted 4", 4, "which does not exist")]
    [InlineData("deleted 4", 5, "which does not exist")]
    public void A_put_of_a_new_body_whose_If_Match_is_not_the_current_live_version_fails_with_412(string current, int ifMatch, string reason)
    {
        var resource = Request(sameBody: false);

        var error = Assert.Throws<PreconditionFailedException>(() => VersionPolicy.ForPut(resource, Current(current), ifMatch));

        Assert.Contains($"If-Match asked for version {ifMatch} of Goal/{Id}, {reason}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("live 3", null, nameof(VersionChange.Delete), 4)]
    [InlineData("live 3", 3, nameof(VersionChange.Delete), 4)]
    [InlineData("deleted 4", null, nameof(VersionChange.Nothing), null)]
    [InlineData("deleted 4", 4, nameof(VersionChange.Nothing), null)]
    [InlineData("none", null, nameof(VersionChange.Nothing), null)]
    public void A_delete_adds_a_tombstone_over_a_live_version_and_nothing_otherwise(string current, int? ifMatch, string change, int? tombstone)
    {
        var next = VersionPolicy.ForDelete("Goal", Id, Current(current), ifMatch);

        Assert.Equal(Enum.Parse<VersionChange>(change), next.Change);
        Assert.Equal(tombstone is not null, next.AddsVersion);
        if (tombstone is { } number)
        {
            Assert.Equal(new StoredResource("Goal", Id, number, Now, true, null, "DELETE"), next.Tombstone(Now));
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => next.Tombstone(Now));
        }
    }

    [Theory]
    [InlineData("none", 1, "which does not exist")]
    [InlineData("live 3", 2, "but the current version is 3")]
    [InlineData("deleted 4", 3, "but the current version is 4")]
    public void A_delete_whose_If_Match_is_not_the_current_version_fails_with_412(string current, int ifMatch, string reason)
    {
        var error = Assert.Throws<PreconditionFailedException>(() => VersionPolicy.ForDelete("Goal", Id, Current(current), ifMatch));

        Assert.Contains($"If-Match asked for version {ifMatch} of Goal/{Id}, {reason}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(VersionChange.Create), "none", true, false)]
    [InlineData(nameof(VersionChange.Recreate), "deleted 4", true, false)]
    [InlineData(nameof(VersionChange.Update), "live 3", false, true)]
    [InlineData(nameof(VersionChange.Delete), "live 3", false, true)]
    [InlineData(nameof(VersionChange.KeepCurrent), "live 3", false, false)]
    [InlineData(nameof(VersionChange.Nothing), "deleted 4", false, false)]
    public void A_version_over_nothing_or_a_tombstone_creates_and_one_over_a_live_version_removes_its_index_rows(string change, string current, bool created, bool removesIndexRows)
    {
        var next = new NextVersion(Enum.Parse<VersionChange>(change), Current(current));

        Assert.Equal(created, next.Created);
        Assert.Equal(removesIndexRows, next.RemovesIndexRows);
    }

    [Fact]
    public void A_put_of_the_body_as_stored_leaves_the_stored_meta_on_the_resource()
    {
        var resource = Request(sameBody: true);
        resource.Meta = new Meta { VersionId = "1", LastUpdated = Now };

        VersionPolicy.ForPut(resource, Current("live 3"), null);

        Assert.Equal("3", resource.Meta.VersionId);
        Assert.Equal(StoredAt, resource.Meta.LastUpdated);
    }

    [Fact]
    public void A_changed_put_gets_its_own_meta_back_after_the_comparison()
    {
        var resource = Request(sameBody: false);
        resource.Meta = new Meta { VersionId = "1", LastUpdated = Now };

        VersionPolicy.ForPut(resource, Current("live 3"), null);

        Assert.Equal("1", resource.Meta.VersionId);
        Assert.Equal(Now, resource.Meta.LastUpdated);
    }

    [Fact]
    public void Stamping_a_resource_without_an_id_gives_it_a_version_7_guid()
    {
        var resource = Goal("new words");

        var written = VersionPolicy.ForPut(resource, null, null).Stamp(resource, Now);

        Assert.Equal(resource.Id, written.Id);
        Assert.Equal(7, Guid.ParseExact(written.Id, "N").Version);
        Assert.Equal("1", resource.Meta.VersionId);
        Assert.Equal(Now, resource.Meta.LastUpdated);
    }

    /// <summary>A put of <see cref="Id"/> (an update, or an update as create): the stored body, or other words.</summary>
    private static Goal Request(bool sameBody)
    {
        var goal = Goal(sameBody ? "stored words" : "new words");
        goal.Id = Id;
        return goal;
    }

    private static StoredResource? Current(string current)
    {
        var (state, number) = current.Split(' ') switch
        {
            ["none"] => ("none", 0),
            [var s, var n] => (s, int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException(current),
        };
        return state switch
        {
            "none" => null,
            "deleted" => new StoredResource("Goal", Id, number, StoredAt, true, null, "DELETE"),
            _ => new StoredResource("Goal", Id, number, StoredAt, false, StoredJson(number), "PUT"),
        };
    }

    // The JSON the store would hold for version n of the "stored words" goal.
    private static string StoredJson(int number)
    {
        var goal = Goal("stored words");
        goal.Id = Id;
        goal.Meta = new Meta { VersionId = number.ToString(System.Globalization.CultureInfo.InvariantCulture), LastUpdated = StoredAt };
        return FhirSerializer.ToJson(goal);
    }

    private static Goal Goal(string words) => new()
    {
        LifecycleStatus = Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Proposed,
        Description = new CodeableConcept { Text = words },
        Subject = new ResourceReference("Patient/policy-test"),
    };
}
