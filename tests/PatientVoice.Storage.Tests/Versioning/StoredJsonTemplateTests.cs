using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Tests.Differential;
using PatientVoice.Storage.Versioning;
using Xunit.Abstractions;

namespace PatientVoice.Storage.Tests.Versioning;

/// <summary>
/// Issue 19: a resource's stored JSON is made when it is prepared, outside the writer's turn, and the turn fills in only
/// id, versionId and lastUpdated (<see cref="StoredJsonTemplate"/>). What it stores must be byte for byte what the
/// serializer writes for the stamped resource, for every resource we could be sent.
/// </summary>
public sealed class StoredJsonTemplateTests(ITestOutputHelper output)
{
    private const int Resources = 10_000;

    // Instants as the store stamps them (milliseconds, UTC) and as it may read them back: every count of fraction digits.
    private static readonly DateTimeOffset[] Instants =
    [
        new(2026, 12, 7, 20, 5, 1, 123, TimeSpan.Zero),
        new(2026, 12, 7, 20, 5, 1, 120, TimeSpan.Zero),
        new(2026, 12, 7, 20, 5, 1, 100, TimeSpan.Zero),
        new(2026, 12, 7, 20, 5, 1, 0, TimeSpan.Zero),
        new(1999, 1, 31, 23, 59, 59, 999, TimeSpan.Zero),
        new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567),
    ];

    [Fact]
    public void The_filled_in_template_is_what_the_serializer_writes_for_every_generated_resource()
    {
        var corpus = new DifferentialCorpus(SeedResources.Load(ConformancePackage.Load(new ConformanceOptions().ProfilesDirectory)), Resources);
        var differences = new List<string>();
        var (made, assigned) = (0, 0);
        for (var i = 0; i < corpus.Count; i++)
        {
            var resource = corpus.Make(i).Resource;
            // Half the cases as a create leaves them to the store (no id, no meta), half with what the client sent.
            if (i % 2 == 0)
            {
                resource.Id = null;
                resource.Meta = i % 4 == 0 ? null : resource.Meta;
            }

            var before = FhirSerializer.ToJson(resource);
            var template = StoredJsonTemplate.Of(resource);
            Assert.Equal(before, FhirSerializer.ToJson(resource)); // making it leaves the resource as it was
            if (template is null)
            {
                differences.Add($"#{i} {resource.TypeName}: no template");
                continue;
            }

            made++;
            var id = resource.Id ?? $"a{i:x}0123456789abcdef0123456789ab";
            assigned += resource.Id is null ? 1 : 0;
            var (version, instant) = (1 + (i % 12), Instants[i % Instants.Length]);
            var rendered = template.Render(id, version, instant);

            resource.Id = id;
            resource.Meta ??= new Meta();
            resource.Meta.VersionId = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            resource.Meta.LastUpdated = instant;
            var expected = FhirSerializer.ToJson(resource);
            if (!string.Equals(rendered, expected, StringComparison.Ordinal))
            {
                differences.Add($"#{i} {resource.TypeName}:{Environment.NewLine}  rendered {rendered}{Environment.NewLine}  expected {expected}");
            }
        }

        output.WriteLine($"{corpus.Count} resources, {made} templates ({assigned} with the id left to the store), {differences.Count} differences");
        Assert.True(corpus.Count >= Resources);
        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences.Take(10)));
    }

    [Fact]
    public void An_update_compared_through_its_template_keeps_the_version_as_stored_and_adds_one_when_changed()
    {
        var stored = new Goal { Id = "g1", Meta = new Meta { VersionId = "3", LastUpdated = Instants[0] }, LifecycleStatus = Goal.GoalLifecycleStatus.Active, Description = new CodeableConcept { Text = "walk" } };
        var current = new StoredResource("Goal", "g1", 3, Instants[0], false, FhirSerializer.ToJson(stored), "PUT");

        var same = new Goal { Id = "g1", LifecycleStatus = Goal.GoalLifecycleStatus.Active, Description = new CodeableConcept { Text = "walk" } };
        var unchanged = VersionPolicy.ForPut(same, current, null, StoredJsonTemplate.Of(same));
        var changed = new Goal { Id = "g1", LifecycleStatus = Goal.GoalLifecycleStatus.Completed, Description = new CodeableConcept { Text = "walk" } };
        var template = StoredJsonTemplate.Of(changed);
        var update = VersionPolicy.ForPut(changed, current, null, template);
        var ownMetaBack = changed.Meta?.VersionId is null;
        var written = update.Stamp(changed, Instants[1], template);

        Assert.Equal(VersionChange.KeepCurrent, unchanged.Change);
        Assert.Equal(("3", Instants[0]), (same.Meta.VersionId, same.Meta.LastUpdated));   // the stored version's meta
        Assert.Equal(VersionChange.Update, update.Change);
        Assert.True(ownMetaBack);                                                           // its own meta back
        Assert.Equal(4, written.VersionId);
        Assert.Equal(FhirSerializer.ToJson(changed), written.Json);                        // stamped: version 4 at Instants[1]
        Assert.Contains("\"versionId\":\"4\"", written.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_with_the_clients_id_renders_nothing_for_another_id_so_the_store_serializes()
    {
        // A create drops the id of its body after it was prepared: the template must not store the dropped one.
        var goal = new Goal { Id = "from-the-body", LifecycleStatus = Goal.GoalLifecycleStatus.Active, Description = new CodeableConcept { Text = "walk" } };
        var template = StoredJsonTemplate.Of(goal)!;

        Assert.Null(template.Render("assigned-by-the-store", 1, Instants[0]));
        Assert.NotNull(template.Render("from-the-body", 1, Instants[0]));
    }

    [Fact]
    public void A_contained_resource_with_the_stand_ins_does_not_move_the_holes()
    {
        // Only the resource's own id and meta are filled in, whatever its contained resources carry.
        var decoy = new Observation
        {
            Id = "pv-id-to-assign-7f3e9c1a",
            Meta = new Meta { VersionId = "pv-version-to-stamp-7f3e9c1a", LastUpdated = new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            Status = ObservationStatus.Final,
            Code = new CodeableConcept { Text = "decoy" },
        };
        var goal = new Goal { LifecycleStatus = Goal.GoalLifecycleStatus.Active, Description = new CodeableConcept { Text = "walk" }, Contained = [decoy] };
        var rendered = StoredJsonTemplate.Of(goal)!.Render("g1", 2, Instants[0]);

        goal.Id = "g1";
        goal.Meta = new Meta { VersionId = "2", LastUpdated = Instants[0] };
        Assert.Equal(FhirSerializer.ToJson(goal), rendered);
    }
}
