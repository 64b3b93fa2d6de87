using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Testing;

namespace PatientVoice.Fhir.Tests;

/// <summary>
/// The FHIR package compiled at build time (profiles-compiled.zip, ADR 0028): what the validator loads instead of
/// generating snapshots at start-up. It must say exactly what profiles/ says today.
/// </summary>
public sealed class CompiledPackageTests
{
    private static readonly ConformanceOptions Options = new();

    [Fact]
    public async System.Threading.Tasks.Task Shipped_snapshots_are_what_the_snapshot_generator_makes_from_profiles_and_the_core_spec_today()
    {
        // The slow way, as the validator did at every start before: our differentials over specification.zip through SnapshotSource.
        var package = ConformancePackage.Load(Options.ProfilesDirectory);
        var regenerate = new SnapshotSource(new MultiResolver(
            new InMemoryResourceResolver(package.Resources),
            new ZipSource(Path.Combine(AppContext.BaseDirectory, "specification.zip"))));
        using var compiled = CompiledPackageResolver.Open(Options.CompiledPackagePath);

        Assert.NotEmpty(package.Profiles);
        foreach (var profile in package.Profiles)
        {
            var expected = (StructureDefinition)(await regenerate.ResolveByCanonicalUriAsync(profile.Url))!;
            var shipped = await compiled.ResolveByCanonicalUriAsync(profile.Url) as StructureDefinition;

            Assert.NotNull(shipped);
            Assert.True(expected.HasSnapshot, profile.Url);
            Assert.True(shipped.HasSnapshot, profile.Url);
            Assert.Equal(expected.Snapshot.Element.Count, shipped.Snapshot.Element.Count);
            Assert.Equal(FhirJson.Serialize(expected), FhirJson.Serialize(shipped));
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task The_compiled_package_holds_the_core_definitions_the_validator_resolves()
    {
        using var compiled = CompiledPackageResolver.Open(Options.CompiledPackagePath);

        var goal = await compiled.ResolveByCanonicalUriAsync("http://hl7.org/fhir/StructureDefinition/Goal") as StructureDefinition;
        var status = await compiled.ResolveByCanonicalUriAsync("http://hl7.org/fhir/ValueSet/goal-status|4.0.1") as ValueSet;
        var loinc = await compiled.ResolveByCanonicalUriAsync("http://hl7.org/fhir/StructureDefinition/Extension");

        Assert.True(goal?.HasSnapshot);
        Assert.NotNull(status);
        Assert.NotNull(loinc);
        Assert.Null(await compiled.ResolveByCanonicalUriAsync("http://example.org/StructureDefinition/not-there"));
        Assert.True(compiled.Count > 3000, $"{compiled.Count} resources");
    }

    [Fact]
    public void A_compiled_package_built_from_other_profiles_is_refused_when_the_validator_is_built()
    {
        using var copy = new ScratchDirectory();
        foreach (var file in Directory.GetFiles(Options.ProfilesDirectory, "*.json"))
        {
            File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
        }

        var changed = Path.Combine(copy.Path, "StructureDefinition-pv-patient-stated-goal.json");
        File.WriteAllText(changed, File.ReadAllText(changed).Replace("\"description\"", "\"description\" ", StringComparison.Ordinal));
        var package = ConformancePackage.Load(copy.Path);

        var refused = Assert.Throws<InvalidOperationException>(() => ConformanceResolver.Create(package, Options.CompiledPackagePath));
        Assert.Contains("other profiles", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(ConformanceResolver.Create(ConformancePackage.Load(Options.ProfilesDirectory), Options.CompiledPackagePath));
    }
}
