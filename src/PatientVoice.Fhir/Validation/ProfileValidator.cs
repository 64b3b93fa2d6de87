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
/// Validates resources against R4 core and our profiles with Firely.Fhir.Validation. One per process. Building it
/// only opens the package compiled at build time (our profiles with their snapshots, the R4 core conformance resources:
/// <see cref="ConformanceResolver"/>), milliseconds; each profile and datatype is compiled to the SDK's schema the first
/// time a validation needs it and kept. <see cref="WarmUpAsync"/> compiles what our examples and questionnaires use
/// ahead of time, in the background; validations never wait for it. A resource whose shape was validated before gets the
/// report remembered for it (ADR 0038, <see cref="ValidationShapeMemory"/>). Thread-safe.
/// </summary>
public sealed partial class ProfileValidator
{
    private readonly ConformanceOptions _options;
    private readonly ILogger<ProfileValidator> _logger;
    private readonly Lazy<Engine> _engine;
    private readonly Lazy<Task> _warm;
    private readonly Lazy<Task<ValidationShapeRules>> _shapeRules;
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
        _engine = new Lazy<Engine>(Build, LazyThreadSafetyMode.ExecutionAndPublication);
        _warm = new Lazy<Task>(() => Task.Run(() => WarmWithSamples(_engine.Value)), LazyThreadSafetyMode.ExecutionAndPublication);
        _shapeRules = new Lazy<Task<ValidationShapeRules>>(
            () => _options.ValidationShapeCacheSize > 0 ? Task.Run(() => BuildShapeRules(_engine.Value.Resolver, _engine.Value.Compiler)) : Task.FromResult(ValidationShapeRules.None),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ConformancePackage Package { get; }

    /// <summary>True once the validator is built (the compiled package is open): validations run from then on.</summary>
    public bool IsReady => _engine.IsValueCreated;

    /// <summary>True once <see cref="WarmUpAsync"/> has compiled what our examples and questionnaires use.</summary>
    public bool IsWarm => _warm.IsValueCreated && _warm.Value.IsCompletedSuccessfully;

    /// <summary>Builds the validator now (milliseconds; it would otherwise be built by the first validation). Throws if the compiled package is missing or stale.</summary>
    public void EnsureReady() => _ = _engine.Value;

    /// <summary>
    /// Compiles the schemas our examples and questionnaires need (once; later calls return the same task), so that the first
    /// request of each kind does not pay for it. Nothing waits for this: a validation that arrives first compiles what it needs itself.
    /// </summary>
    public Task WarmUpAsync(CancellationToken cancellationToken = default) => _warm.Value.WaitAsync(cancellationToken);

    /// <summary>
    /// Validates against R4 core, the profiles in meta.profile (minus the ignored ones), <paramref name="profiles"/>,
    /// and — when <paramref name="useDefaultProfiles"/> — our default profiles for the resource (see
    /// <see cref="ConformanceOptions.DefaultProfiles"/>).
    /// </summary>
    public Task<ValidationReport> ValidateAsync(
        Resource resource,
        IEnumerable<string>? profiles = null,
        bool useDefaultProfiles = true,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Run(_engine.Value, resource, profiles, useDefaultProfiles));
    }

    /// <summary>The synchronous form of <see cref="ValidateAsync"/>.</summary>
    public ValidationReport Validate(Resource resource, IEnumerable<string>? profiles = null, bool useDefaultProfiles = true)
        => Run(_engine.Value, resource, profiles, useDefaultProfiles);

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

        // A resource whose shape was validated before against the same profiles gets that report (ADR 0038).
        var rules = engine.Shapes is null ? null : ShapeRulesOnceIdle();
        var shape = rules is { IsCompletedSuccessfully: true } ? ValidationShape.Of(resource, rules.Result, MaxShapeLength, string.Join(' ', targets) + "\n") : null;
        var key = shape?.Key;
        if (key is not null && engine.Shapes!.TryGet(key, out var known))
        {
            return known;
        }

        // Each call also checks core and meta.profile; with no explicit profile, one call does just that.
        var outcomes = targets.Count == 0
            ? [engine.Validator.Validate(resource, null)]
            : targets.Select(p => engine.Validator.Validate(resource, p)).ToList();

        var issues = UnknownMetaProfiles(engine, resource)
            .Concat(outcomes.SelectMany(o => o.Issue).Select(ToFhirIssue))
            .Distinct()
            .ToList();
        var report = new ValidationReport(issues);
        if (key is not null)
        {
            engine.Shapes!.Remember(key, shape!, report);
        }

        return report;
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
        var resolver = ConformanceResolver.Create(Package, _options.CompiledPackagePath);
        // One compiler (and symbol table) for the process: left unset, each validation run builds its own.
        var compiler = new FhirPathCompiler(new SymbolTable().AddStandardFP().AddFhirExtensions());
        var settings = new ValidationSettings
        {
            FhirPathCompiler = compiler,
            SelectValidationProfiles = (_, declared, _, _) => declared
                .Where(p => !_options.IgnoredMetaProfiles.Contains(p.ToString()))
                .Where(p => _options.RejectUnknownMetaProfiles || IsResolvable(resolver, p.ToString()))
                .ToArray(),
        };
        ICodeValidationTerminologyService terminology = new LocalTerminologyService(resolver.AsAsync());
        MemoisingTerminologyService? remembered = null;
        if (_options.CodeValidationCacheSize > 0)
        {
            terminology = remembered = new MemoisingTerminologyService(terminology, _options.CodeValidationCacheSize);
        }

        // Firely's own schema compiler and cache, with each slice discriminator's FHIRPath parsed once per process and
        // each binding answered on the validating thread when its code is already known to be in the value set.
        var shapes = _options.ValidationShapeCacheSize > 0 ? new ValidationShapeMemory(_options.ValidationShapeCacheSize) : null;
        var engine = new Engine(new Validator(resolver, terminology, null, settings, RewrittenSchemaResolver.CreateCached(resolver, compiler, remembered)), resolver, compiler, shapes);
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
        _ = ShapeRules;
    }

    private ValidationShapeRules BuildShapeRules(CachedResolver resolver, FhirPathCompiler compiler)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var rules = ValidationShapeRules.Build(resolver, Package, compiler, SupportedResourceTypes.All);
            LogShapeRules(_logger, SupportedResourceTypes.All.Count(t => rules.For(t) is { OpaqueNames.Count: > 0 }), clock.ElapsedMilliseconds);
            return rules;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Without the rules every resource is validated in full, as before; nothing is lost but time.
            LogShapeRulesFailed(_logger, e.GetType().Name);
            return ValidationShapeRules.None;
        }
    }

    /// <summary>The validator's memory of shapes (null when ConformanceOptions.ValidationShapeCacheSize is 0), for tests and diagnostics.</summary>
    public ValidationShapeMemory? Shapes => _engine.Value.Shapes;

    /// <summary>Which values no rule reads (ADR 0038), worked out in the background the first time it is asked for (half a second to a second).</summary>
    public Task<ValidationShapeRules> ShapeRules => _shapeRules.Value;

    // Worked out once no warm-up is running: after it the definitions are already in the resolver's cache, and at start-up
    // the work would compete with the first requests for the cores (measured: the first Goal accepted ~0.4 s later).
    private Task<ValidationShapeRules>? ShapeRulesOnceIdle() =>
        _shapeRules.IsValueCreated || !_warm.IsValueCreated || _warm.Value.IsCompleted ? _shapeRules.Value : null;

    private sealed record Engine(Validator Validator, CachedResolver Resolver, FhirPathCompiler Compiler, ValidationShapeMemory? Shapes);

    /// <summary>A resource whose shape is longer is validated in full and not remembered.</summary>
    public const int MaxShapeLength = 32 * 1024;

    [GeneratedRegex(@"^Missing required member: '([A-Za-z0-9_\[\]]+)'")]
    private static partial Regex MissingMember();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "FHIR validator built in {ElapsedMs} ms ({ProfileCount} profiles, compiled package); validating")]
    private static partial void LogBuilt(ILogger logger, long elapsedMs, int profileCount);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "FHIR validator shape rules worked out in {ElapsedMs} ms ({TypeCount} resource types have values no rule reads)")]
    private static partial void LogShapeRules(ILogger logger, int typeCount, long elapsedMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "FHIR validator shape rules could not be worked out ({ExceptionType}); every resource is validated in full")]
    private static partial void LogShapeRulesFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "FHIR validator warmed with {SampleCount} samples in {ElapsedMs} ms")]
    private static partial void LogWarm(ILogger logger, int sampleCount, long elapsedMs);
}
