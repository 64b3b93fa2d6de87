using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Firely.Fhir.Validation;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Validation;

/// <summary>
/// Validates resources against R4 core and our profiles with Firely.Fhir.Validation. One per process: building
/// it reads the core specification and generates snapshots (seconds), so it is built once, warmed in the
/// background by <see cref="WarmUpAsync"/>, and every validation waits for that warm-up rather than skipping.
/// Thread-safe.
/// </summary>
public sealed partial class ProfileValidator
{
    private readonly ConformanceOptions _options;
    private readonly ILogger<ProfileValidator> _logger;
    private readonly Lazy<Task<Engine>> _ready;
    private readonly Lazy<Task> _warm;
    private readonly ConcurrentDictionary<string, bool> _resolvable = new(StringComparer.Ordinal);

    // The SDK's validator blocks on thread-pool work of its own (sync over async when it resolves profiles and
    // checks bindings). With the pool at its default minimum (one thread per core) every blocked thread waits
    // for the pool to inject another, about one a second: measured here, the warm-up took 16-20 s and 108
    // parallel validations 77 s; with 64 threads ready, well under a second. Raising the minimum only lets
    // the pool create threads without that delay when they are needed.
    private const int MinimumWorkerThreads = 64;

    public ProfileValidator(IOptions<ConformanceOptions> options, ConformancePackage package, ILogger<ProfileValidator> logger)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < MinimumWorkerThreads)
        {
            ThreadPool.SetMinThreads(MinimumWorkerThreads, completionPorts);
        }

        _options = options.Value;
        _logger = logger;
        Package = package;
        _ready = new Lazy<Task<Engine>>(() => Task.Run(Build), LazyThreadSafetyMode.ExecutionAndPublication);
        _warm = new Lazy<Task>(
            async () =>
            {
                var engine = await _ready.Value.ConfigureAwait(false);
                await Task.Run(() => WarmWithSamples(engine)).ConfigureAwait(false);
            },
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ConformancePackage Package { get; }

    /// <summary>True once the validator is built and warm; validations then take milliseconds.</summary>
    public bool IsWarm => _warm.IsValueCreated && _warm.Value.IsCompletedSuccessfully;

    /// <summary>
    /// Builds and warms the validator (once; later calls return the same task); start it at start-up. Two stages: building
    /// (core spec read, our profiles compiled), after which validations proceed; then warming with realistic samples (our
    /// examples and questionnaires) so the datatypes and extensions they use are compiled before real requests need them.
    /// </summary>
    public Task WarmUpAsync(CancellationToken cancellationToken = default) => _warm.Value.WaitAsync(cancellationToken);

    /// <summary>
    /// Validates against R4 core, the profiles in meta.profile (minus the ignored ones), <paramref name="profiles"/>,
    /// and — when <paramref name="useDefaultProfiles"/> — our default profiles for the resource (see
    /// <see cref="ConformanceOptions.DefaultProfiles"/>). Waits for the warm-up if it has not finished.
    /// </summary>
    public async Task<ValidationReport> ValidateAsync(
        Resource resource,
        IEnumerable<string>? profiles = null,
        bool useDefaultProfiles = true,
        CancellationToken cancellationToken = default)
    {
        _ = _warm.Value;
        var engine = await _ready.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Run(engine, resource, profiles, useDefaultProfiles);
    }

    /// <summary>The synchronous form of <see cref="ValidateAsync"/>; blocks until the warm-up has finished.</summary>
    public ValidationReport Validate(Resource resource, IEnumerable<string>? profiles = null, bool useDefaultProfiles = true)
    {
        _ = _warm.Value;
        return Run(_ready.Value.GetAwaiter().GetResult(), resource, profiles, useDefaultProfiles);
    }

    /// <summary>The profiles a resource is held to by default.</summary>
    public IReadOnlyList<string> DefaultProfilesFor(Resource resource) =>
        _options.DefaultProfiles.Where(r => r.AppliesTo(resource)).Select(r => r.Profile).Distinct().ToList();

    private ValidationReport Run(Engine engine, Resource resource, IEnumerable<string>? profiles, bool useDefaultProfiles)
    {
        var targets = new List<string>();
        targets.AddRange(profiles ?? []);
        if (useDefaultProfiles)
        {
            targets.AddRange(DefaultProfilesFor(resource));
        }

        targets = targets.Where(p => !_options.IgnoredMetaProfiles.Contains(p)).Distinct(StringComparer.Ordinal).ToList();

        // Each call also checks core and meta.profile; with no explicit profile, one call does just that.
        var outcomes = targets.Count == 0
            ? [engine.Validator.Validate(resource, null)]
            : targets.Select(p => engine.Validator.Validate(resource, p)).ToList();

        var issues = UnknownMetaProfiles(engine, resource)
            .Concat(outcomes.SelectMany(o => o.Issue).Select(ToFhirIssue))
            .Distinct()
            .ToList();
        return new ValidationReport(issues);
    }

    private IEnumerable<FhirIssue> UnknownMetaProfiles(Engine engine, Resource resource)
    {
        var declared = resource.Meta?.Profile.ToList() ?? [];
        for (var i = 0; i < declared.Count; i++)
        {
            if (declared[i] is not { } profile)
            {
                continue;
            }

            if (_options.RejectUnknownMetaProfiles || _options.IgnoredMetaProfiles.Contains(profile) || IsResolvable(engine.Resolver, profile))
            {
                continue;
            }

            yield return new FhirIssue(
                OperationOutcome.IssueType.NotSupported,
                $"meta.profile '{profile}' is not known here (neither in our package nor in R4 core); validated against R4 core and our profiles without it.",
                $"{resource.TypeName}.meta.profile[{i}]",
                OperationOutcome.IssueSeverity.Warning);
        }
    }

    // Memoised: the resolver is in-memory and zip-backed, so the one blocking wait per canonical is short.
    private bool IsResolvable(CachedResolver resolver, string canonical) =>
        _resolvable.GetOrAdd(canonical, c => resolver.ResolveByCanonicalUriAsync(c).GetAwaiter().GetResult() is StructureDefinition);

    private static FhirIssue ToFhirIssue(OperationOutcome.IssueComponent issue)
    {
        var message = issue.Details?.Text ?? issue.Diagnostics ?? "Validation failed.";
        var expression = issue.Expression.FirstOrDefault() ?? issue.Location.FirstOrDefault();

        // Firely reports a missing element at its parent; point at the element itself so a developer sees what to add.
        var missing = MissingMember().Match(message);
        if (missing.Success && expression is not null)
        {
            expression = $"{expression}.{missing.Groups[1].Value}";
        }

        return new FhirIssue(
            issue.Code ?? OperationOutcome.IssueType.Invalid,
            message,
            expression,
            issue.Severity ?? OperationOutcome.IssueSeverity.Error);
    }

    private Engine Build()
    {
        var clock = Stopwatch.StartNew();
        var resolver = ConformanceResolver.Create(Package, _options.SpecificationZipPath);
        var settings = new ValidationSettings
        {
            // One compiler (and symbol table) for the process: left unset, each validation run builds its own.
            FhirPathCompiler = new FhirPathCompiler(new SymbolTable().AddStandardFP().AddFhirExtensions()),
            SelectValidationProfiles = (_, declared, _, _) => declared
                .Where(p => !_options.IgnoredMetaProfiles.Contains(p.ToString()))
                .Where(p => _options.RejectUnknownMetaProfiles || IsResolvable(resolver, p.ToString()))
                .ToArray(),
        };
        var engine = new Engine(new Validator(resolver, new LocalTerminologyService(resolver.AsAsync()), null, settings), resolver);

        // Compile every one of our profiles now; WarmWithSamples then covers the datatypes and extensions real instances use.
        foreach (var profile in Package.Profiles)
        {
            var type = profile.Type is null ? null : ModelInfo.GetTypeForFhirType(profile.Type);
            if (type is not null && Activator.CreateInstance(type) is Resource blank)
            {
                engine.Validator.Validate(blank, profile.Url);
            }
        }

        LogBuilt(_logger, clock.ElapsedMilliseconds, Package.Profiles.Count());
        return engine;
    }

    private void WarmWithSamples(Engine engine)
    {
        var clock = Stopwatch.StartNew();
        var samples = Package.LoadValidExamples().Concat(Package.Questionnaires).ToList();
        foreach (var sample in samples)
        {
            Run(engine, sample, null, useDefaultProfiles: true);
        }

        LogWarm(_logger, samples.Count, clock.ElapsedMilliseconds);
    }

    private sealed record Engine(Validator Validator, CachedResolver Resolver);

    [GeneratedRegex(@"^Missing required member: '([A-Za-z0-9_\[\]]+)'")]
    private static partial Regex MissingMember();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "FHIR validator built in {ElapsedMs} ms ({ProfileCount} profiles); validating")]
    private static partial void LogBuilt(ILogger logger, long elapsedMs, int profileCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "FHIR validator warmed with {SampleCount} samples in {ElapsedMs} ms")]
    private static partial void LogWarm(ILogger logger, int sampleCount, long elapsedMs);
}
