using System.Text.RegularExpressions;
using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using PatientVoice.Fhir.Conformance;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// The reference of the differential test: full Firely validation built the way the validator was built before ADR 0028,
/// independently of the production one. Our profiles are read from the profiles/ sources (differentials), the R4 core
/// conformance resources from the SDK's specification.zip, snapshots are generated at run time by the SDK's
/// <see cref="SnapshotSource"/>, codes are checked by the SDK's <see cref="LocalTerminologyService"/>, and nothing of the
/// production validator (compiled package, resolver, FHIRPath compiler, memo) is used. Built fresh for each test run.
/// <para>
/// One difference from the validator before ADR 0028, on purpose: Firely's errata corrections
/// (<see cref="StructureDefinitionCorrectionsResolver"/>) sit below the snapshot generator, as Firely documents. SnapshotSource
/// regenerates every core snapshot (they were not made by its generator) and copies the Reference type's ref-1 onto every
/// Reference element; without the corrections below it, that copy is R4's published ref-1, which rejects a reference that
/// has only an identifier or a display (valid FHIR, and what our audit trail writes). The old construction differed from
/// today's validator on exactly that (644 of 10,008 resources, every difference a ref-1; docs/benchmarks.md, issue 19).
/// </para>
/// </summary>
public sealed partial class ReferenceValidator : IValidationCandidate
{
    private readonly IReadOnlyList<DefaultProfileRule> _defaults;
    private readonly ISet<string> _ignored;
    private readonly CachedResolver _resolver;
    private readonly Validator _validator;

    public ReferenceValidator(string profilesDirectory, string specificationZip, IReadOnlyList<DefaultProfileRule> defaultProfiles, ISet<string> ignoredMetaProfiles)
    {
        _defaults = defaultProfiles;
        _ignored = ignoredMetaProfiles;
        var package = ConformancePackage.Load(profilesDirectory);
        _resolver = new CachedResolver(new OneAtATimeResolver(new SnapshotSource(new StructureDefinitionCorrectionsResolver(new MultiResolver(
            new InMemoryResourceResolver(package.Resources),
            new ZipSource(specificationZip))))));
        var settings = new ValidationSettings
        {
            // A meta.profile that cannot be resolved here (e.g. SDC's) is not validated against, as in production (ConformanceOptions).
            SelectValidationProfiles = (_, declared, _, _) => declared
                .Where(p => !_ignored.Contains(p.ToString()))
                .Where(p => _resolver.ResolveByCanonicalUriAsync(p.ToString()).GetAwaiter().GetResult() is StructureDefinition)
                .ToArray(),
        };
        _validator = new Validator(_resolver, new LocalTerminologyService(_resolver), null, settings);
    }

    public string Name => "reference: Firely over profiles/ + specification.zip, snapshots generated at run time";

    public DifferentialOutcome Validate(Resource resource)
    {
        try
        {
            // Core and meta.profile, plus each profile the resource's type and code put it under (the policy of
            // DefaultProfileRule, applied here, not by the production validator's DefaultProfilesFor).
            var targets = _defaults.Where(r => r.AppliesTo(resource)).Select(r => r.Profile)
                .Where(p => !_ignored.Contains(p)).Distinct(StringComparer.Ordinal).ToList();
            var outcomes = targets.Count == 0
                ? [_validator.Validate(resource, null)]
                : targets.Select(p => _validator.Validate(resource, p)).ToList();
            return DifferentialOutcome.From(outcomes.SelectMany(o => o.Issue).Select(Normalise));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return DifferentialOutcome.Threw(e);
        }
    }

    // How an issue is reported to clients (FhirIssue): the element path is the expression, else the location, and a
    // missing element is pointed at itself rather than at its parent. Applied here so that paths compare like for like.
    private static (OperationOutcome.IssueSeverity, string?, string) Normalise(OperationOutcome.IssueComponent issue)
    {
        var message = issue.Details?.Text ?? issue.Diagnostics ?? "Validation failed.";
        var path = issue.Expression.FirstOrDefault() ?? issue.Location.FirstOrDefault();
        var missing = MissingMember().Match(message);
        if (missing.Success && path is not null)
        {
            path = $"{path}.{missing.Groups[1].Value}";
        }

        return (issue.Severity ?? OperationOutcome.IssueSeverity.Error, path, message);
    }

    [GeneratedRegex(@"^Missing required member: '([A-Za-z0-9_\[\]]+)'")]
    private static partial Regex MissingMember();

    /// <summary>
    /// The SDK's snapshot generator refuses a second generation while one runs; the reference is used from several threads,
    /// so one caller at a time goes below the cache (as the validator's SerializedResolver did before ADR 0028).
    /// </summary>
    private sealed class OneAtATimeResolver(IAsyncResourceResolver inner) : IAsyncResourceResolver
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        // The interface still has the obsolete members; they pass through like the others.
#pragma warning disable CS0618
        public Task<Resource?> ResolveByUriAsync(string uri) => Gated(() => inner.ResolveByUriAsync(uri));

        public Task<Resource?> ResolveByCanonicalUriAsync(string uri) => Gated(() => inner.ResolveByCanonicalUriAsync(uri));

#pragma warning restore CS0618
        public Task<ResolverResult> TryResolveByUriAsync(string uri) => Gated(() => inner.TryResolveByUriAsync(uri));

        public Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) => Gated(() => inner.TryResolveByCanonicalUriAsync(uri));

        private async Task<T> Gated<T>(Func<Task<T>> resolve)
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                return await resolve().ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
