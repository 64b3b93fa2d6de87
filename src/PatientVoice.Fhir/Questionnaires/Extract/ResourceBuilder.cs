using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>A resource being extracted, with the stable identifier value and fullUrl it will carry.</summary>
internal sealed class ResourceBuilder(Resource resource, string identifierValue, string? fullUrl = null)
{
    public Resource Resource { get; } = resource;

    public string IdentifierValue { get; } = identifierValue;

    public string FullUrl { get; set; } = fullUrl ?? ExtractedIdentifiers.FullUrlFor(identifierValue);

    /// <summary>Creates an empty resource of a type named in FHIR (Goal, Observation); null when there is no such resource type.</summary>
    public static Resource? New(string resourceType) =>
        ModelInfo.ModelInspector.FindClassMapping(resourceType)?.NativeType is { } type && typeof(Resource).IsAssignableFrom(type) && !type.IsAbstract
            ? (Resource?)Activator.CreateInstance(type)
            : null;
}

/// <summary>Where the walk is: which resource (and element in it) definitions fill, and the observation-extraction settings inherited.</summary>
internal sealed record ExtractionScope(
    ResourceBuilder? Builder,
    Base? Element,
    IReadOnlyList<DefinitionPath.Step> Prefix,
    DataType? ObservationExtract,
    IReadOnlyList<CodeableConcept> Categories,
    IReadOnlyList<(Extension Value, Base Context)> ObservationValues,
    ResourceBuilder? ParentObservation);
