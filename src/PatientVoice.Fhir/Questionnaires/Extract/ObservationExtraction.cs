using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// Observation-based extraction (SDC observationExtract: true, or the STU4 codes member and component): one Observation
/// per answer, code from item.code, subject, effective and issued from authored, performer the author, value the answer,
/// derivedFrom the response; categories from observation-extract-category, the nearest declaration winning. Adds what it
/// builds to <c>built</c> (the run's resources, in extraction order) and what it cannot extract to
/// <c>issues</c>. Belongs to one <see cref="ExtractionRun"/>; not shared.
/// </summary>
internal sealed class ObservationExtraction(
    QuestionnaireResponse response,
    ExtractionContext context,
    DefinitionValueWriter values,
    List<ResourceBuilder> built,
    List<FhirIssue> issues)
{
    /// <summary>One Observation per answer of an item extracted as observations, or a component or member of the panel above it.</summary>
    public void Extract(Questionnaire.ItemComponent definition, List<QuestionnaireResponse.AnswerComponent> answers, ExtractionScope scope, string key, string path)
    {
        if (definition.Code.Count == 0)
        {
            Warn(OperationOutcome.IssueType.Required, path,
                $"Item '{definition.LinkId}' is marked for observation extraction but has no code; Observation.code is required, so it was not extracted.");
            return;
        }

        var mode = (scope.ObservationExtract as Code)?.Value;
        var unit = definition.GetExtension(SdcExtensions.QuestionnaireUnit)?.Value as Coding;
        for (var a = 0; a < answers.Count; a++)
        {
            var value = ValueConversion.ForObservation(answers[a].Value!, unit);
            if (mode == "component" && scope.ParentObservation?.Resource is Observation parent)
            {
                parent.Component.Add(new Observation.ComponentComponent { Code = Code(definition), Value = value });
                continue;
            }

            var observation = NewObservation(definition, $"{key}/{a}", scope);
            ((Observation)observation.Resource).Value = value;
            if (mode == "member" && scope.ParentObservation?.Resource is Observation panel)
            {
                panel.HasMember.Add(new ResourceReference(observation.FullUrl));
            }
        }
    }

    /// <summary>A new Observation for <paramref name="definition"/> (a panel, for a group), with the Observation values of <paramref name="scope"/> set.</summary>
    public ResourceBuilder NewObservation(Questionnaire.ItemComponent definition, string identifierValue, ExtractionScope scope)
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Category = scope.Categories.Select(c => (CodeableConcept)c.DeepCopy()).ToList(),
            Code = Code(definition),
            Subject = (ResourceReference?)response.Subject?.DeepCopy(),
            Effective = response.AuthoredElement is { } authored ? (FhirDateTime)authored.DeepCopy() : null,
            Issued = response.AuthoredElement?.TryToDateTimeOffset(out var at) == true ? at : null,
            Performer = [(ResourceReference)context.Author.DeepCopy()],
            DerivedFrom = [new ResourceReference(context.ResponseReference)],
        };

        foreach (var (extension, itemContext) in scope.ObservationValues)
        {
            var target = DefinitionPath.Parse((extension.GetExtension("definition")?.Value as FhirUri)?.Value)!;
            foreach (var value in values.ValuesOf(extension, itemContext))
            {
                if (!ElementWriter.Set(observation, target.Steps, value, out var problem))
                {
                    Warn(OperationOutcome.IssueType.Invalid, null, $"Cannot set {target} on an extracted Observation: {problem}.");
                }
            }
        }

        var builder = new ResourceBuilder(observation, identifierValue);
        built.Add(builder);
        return builder;
    }

    private static CodeableConcept Code(Questionnaire.ItemComponent definition) =>
        new() { Coding = definition.Code.Select(c => (Coding)c.DeepCopy()).ToList() };

    /// <summary>The observation-extract-category values declared on <paramref name="element"/>; null when it declares none.</summary>
    public static List<CodeableConcept>? Categories(IExtendable element)
    {
        var categories = element.GetExtensions(SdcExtensions.ObservationExtractCategory)
            .Select(e => e.Value).OfType<CodeableConcept>().ToList();
        return categories.Count > 0 ? categories : null;
    }

    /// <summary>True when an observationExtract value says to extract Observations (true, or the STU4 codes).</summary>
    public static bool IsExtracted(DataType? flag) => flag switch
    {
        FhirBoolean b => b.Value == true,
        Code c => c.Value is "true" or "member" or "component",
        _ => false,
    };

    private void Warn(OperationOutcome.IssueType code, string? expression, string diagnostics) =>
        issues.Add(new FhirIssue(code, diagnostics, expression, OperationOutcome.IssueSeverity.Warning));
}
