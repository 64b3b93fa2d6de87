using Hl7.Fhir.Model;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// The production validator with its memory of shapes (ADR 0038), made to answer from memory: each resource's twin
/// (<see cref="ShapeTwins"/>: other free text, other reference ids) is validated first, so the resource itself gets the
/// report remembered for the twin. Counts how many resources were answered that way.
/// </summary>
public sealed class ShapeMemoryCandidate(ProfileValidator validator, ValidationShapeRules rules) : IValidationCandidate
{
    private long _twinned;

    public string Name => "production with its memory of shapes, each resource answered with its twin's remembered report";

    /// <summary>Resources validated after a twin of theirs.</summary>
    public long Twinned => Interlocked.Read(ref _twinned);

    public DifferentialOutcome Validate(Resource resource)
    {
        try
        {
            if (ShapeTwins.Of(resource, rules, ProfileValidator.MaxShapeLength) is { } twin)
            {
                validator.Validate(twin);
                Interlocked.Increment(ref _twinned);
            }

            var report = validator.Validate(resource);
            return DifferentialOutcome.From(report.Issues.Select(i => (i.Severity, i.Expression, i.Diagnostics)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return DifferentialOutcome.Threw(e);
        }
    }
}
