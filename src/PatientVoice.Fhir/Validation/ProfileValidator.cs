using System.Diagnostics;
using System.Text.RegularExpressions;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
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
    private readonly Lazy<Task<Validator>> _ready;

    public ProfileValidator(IOptions<ConformanceOptions> options, ConformancePackage package, ILogger<ProfileValidator> logger)
    {
        _options = options.Value;
        _logger = logger;
        Package = package;
        _ready = new Lazy<Task<Validator>>(() => Task.Run(Build), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ConformancePackage Package { get; }

    /// <summary>True once the validator is built and warm; validations then take milliseconds.</summary>
    public bool IsWarm => _ready.IsValueCreated && _ready.Value.IsCompletedSuccessfully;

    /// <summary>Builds and warms the validator (once; later calls return the same task). Await it at start-up.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken = default) => _ready.Value.WaitAsync(cancellationToken);

    /// <summary>
    /// Validates against R4 core, the profiles in meta.profile (minus the ignored ones), <paramref name="profiles"/>,
    /// and — when <paramref name="useDefaultProfiles"/> — our default profile for the resource's type.
    /// Waits for the warm-up if it has not finished.
    /// </summary>
    public async Task<ValidationReport> ValidateAsync(
        Resource resource,
        IEnumerable<string>? profiles = null,
        bool useDefaultProfiles = true,
        CancellationToken cancellationToken = default)
    {
        var validator = await _ready.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Run(validator, resource, profiles, useDefaultProfiles);
    }

    /// <summary>The synchronous form of <see cref="ValidateAsync"/>; blocks until the warm-up has finished.</summary>
    public ValidationReport Validate(Resource resource, IEnumerable<string>? profiles = null, bool useDefaultProfiles = true) =>
        Run(_ready.Value.GetAwaiter().GetResult(), resource, profiles, useDefaultProfiles);

    /// <summary>The profiles a resource is held to by default (configurable in <see cref="ConformanceOptions.DefaultProfiles"/>).</summary>
    public IReadOnlyList<string> DefaultProfilesFor(Resource resource) =>
        _options.DefaultProfiles.Where(r => r.AppliesTo(resource)).Select(r => r.Profile).Distinct().ToList();

    private ValidationReport Run(Validator validator, Resource resource, IEnumerable<string>? profiles, bool useDefaultProfiles)
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
            ? [validator.Validate(resource, null)]
            : targets.Select(p => validator.Validate(resource, p)).ToList();

        var issues = outcomes
            .SelectMany(o => o.Issue)
            .Select(ToFhirIssue)
            .Distinct()
            .ToList();
        return new ValidationReport(issues);
    }

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

    private Validator Build()
    {
        var clock = Stopwatch.StartNew();
        var resolver = ConformanceResolver.Create(Package, _options.SpecificationZipPath);
        var settings = new ValidationSettings
        {
            SelectValidationProfiles = (_, declared, _, _) =>
                declared.Where(p => !_options.IgnoredMetaProfiles.Contains(p.ToString())).ToArray(),
        };
        var validator = new Validator(resolver, new LocalTerminologyService(resolver.AsAsync()), null, settings);

        // Warm: compile core and every one of our profiles once, so the first real request is fast.
        foreach (var profile in Package.Profiles)
        {
            var type = profile.Type is null ? null : Hl7.Fhir.Model.ModelInfo.GetTypeForFhirType(profile.Type);
            if (type is not null && Activator.CreateInstance(type) is Resource blank)
            {
                validator.Validate(blank, profile.Url);
            }
        }

        validator.Validate(new Questionnaire { Status = PublicationStatus.Draft }, null);
        LogWarm(_logger, clock.ElapsedMilliseconds, Package.Profiles.Count());
        return validator;
    }

    [GeneratedRegex(@"^Missing required member: '([A-Za-z0-9_\[\]]+)'")]
    private static partial Regex MissingMember();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "FHIR validator warm in {ElapsedMs} ms ({ProfileCount} profiles)")]
    private static partial void LogWarm(ILogger logger, long elapsedMs, int profileCount);
}
