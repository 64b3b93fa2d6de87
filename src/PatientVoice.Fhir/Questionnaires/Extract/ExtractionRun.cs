using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// One extraction: walks the Questionnaire and the response together (response order, so repetitions keep the
/// patient's order) and builds the resources definition-based and observation-based extraction describe: it decides
/// where a resource starts and which resource (and element) each item fills, and hands the values to
/// <see cref="DefinitionValueWriter"/> and the Observations to <see cref="ObservationExtraction"/>. Not shared.
/// </summary>
internal sealed class ExtractionRun
{
    // Our profiles, put in meta.profile of what we extract so an EHR sees which profile a resource claims.
    private static readonly IReadOnlyList<DefaultProfileRule> DefaultRules = DefaultProfileRule.PatientVoiceDefaults();

    private readonly QuestionnaireResponse _response;
    private readonly Questionnaire _questionnaire;
    private readonly ExtractionContext _context;
    private readonly List<ResourceBuilder> _built = [];
    private readonly DefinitionValueWriter _values;
    private readonly ObservationExtraction _observations;

    public ExtractionRun(ExtractionExpressions expressions, QuestionnaireResponse response, Questionnaire questionnaire, ExtractionContext context)
    {
        _response = response;
        _questionnaire = questionnaire;
        _context = context;
        _values = new DefinitionValueWriter(expressions, response, Issues);
        _observations = new ObservationExtraction(response, context, _values, _built, Issues);
    }

    public List<FhirIssue> Issues { get; } = [];

    public IReadOnlyList<ResourceBuilder> Run()
    {
        _values.Allocate(_questionnaire, _context.ResponseId);
        var rootScope = new ExtractionScope(
            Builder: null,
            Element: null,
            Prefix: [],
            ObservationExtract: _questionnaire.GetExtension(SdcExtensions.ObservationExtract)?.Value,
            Categories: ObservationExtraction.Categories(_questionnaire) ?? [],
            ObservationValues: [],
            ParentObservation: null);
        var allPaths = _questionnaire.Item.SelectMany(PathsUnder).ToList();
        if (StartsResource(_questionnaire, "The Questionnaire", allPaths, _response, $"{_context.ResponseId}/$root/0", "QuestionnaireResponse") is { } root)
        {
            rootScope = rootScope with { Builder = root, Element = root.Resource };
        }

        _values.WriteDefinitionValues(_questionnaire, "The Questionnaire", _response, ref rootScope, "QuestionnaireResponse");
        Items(_questionnaire.Item, _response.Item, rootScope, _context.ResponseId, "QuestionnaireResponse");

        foreach (var built in _built)
        {
            if (!ExtractedIdentifiers.TryAssign(built.Resource, ExtractedIdentifiers.Create(built.IdentifierValue)))
            {
                Warn(OperationOutcome.IssueType.NotSupported, null,
                    $"A {built.Resource.TypeName} has no identifier element: re-extraction cannot find it again, so it is created each time.");
            }

            if (built.Resource.Meta?.Profile.Any() != true && DefaultRules.FirstOrDefault(r => r.AppliesTo(built.Resource)) is { } rule
                && built.Resource is not Provenance)
            {
                built.Resource.Meta ??= new Meta();
                built.Resource.Meta.Profile = [rule.Profile];
            }
        }

        return _built;
    }

    private void Items(
        List<Questionnaire.ItemComponent> definitions,
        List<QuestionnaireResponse.ItemComponent> answered,
        ExtractionScope scope,
        string key,
        string path)
    {
        var repetitions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < answered.Count; i++)
        {
            var item = answered[i];
            var definition = definitions.FirstOrDefault(d => d.LinkId == item.LinkId);
            if (definition is null || item.LinkId is null)
            {
                continue; // QuestionnaireResponseValidator reports unknown items; extraction only takes what it understands.
            }

            var index = repetitions[item.LinkId] = repetitions.GetValueOrDefault(item.LinkId, -1) + 1;
            Item(definition, item, scope, $"{key}/{item.LinkId}", RepetitionKey(item, index), $"{path}.item[{i}]");
        }
    }

    private void Item(
        Questionnaire.ItemComponent definition,
        QuestionnaireResponse.ItemComponent item,
        ExtractionScope scope,
        string key,
        string repetition,
        string path)
    {
        var isGroup = definition.Type == Questionnaire.QuestionnaireItemType.Group;
        var answers = item.Answer.Where(a => a.Value is not null).ToList();
        if (!(isGroup ? HasContent(item) : answers.Count > 0 || item.Answer.Any(a => a.Item.Any(HasContent))))
        {
            return;
        }

        _values.Allocate(definition, $"{key}/{repetition}");
        var own = scope with
        {
            ObservationExtract = definition.GetExtension(SdcExtensions.ObservationExtract)?.Value ?? scope.ObservationExtract,
            Categories = ObservationExtraction.Categories(definition) ?? scope.Categories,
        };

        if (StartsResource(definition, item, $"{key}/{repetition}", path) is { } builder)
        {
            own = own with { Builder = builder, Element = builder.Resource, Prefix = [] };
        }
        else if (isGroup && DefinitionPath.Parse(definition.Definition) is { } groupPath && own.Builder is not null && own.Element is not null)
        {
            // A repeating group with a definition (Patient.name) makes one element per repetition; its items fill it.
            if (groupPath.RelativeTo(own.Prefix) is { Count: > 0 } relative)
            {
                var element = ElementWriter.AddElement(own.Element, relative, out var problem);
                if (element is null)
                {
                    Warn(OperationOutcome.IssueType.Invalid, path, $"Group '{definition.LinkId}': {problem}.");
                }
                else
                {
                    own = own with { Element = element, Prefix = groupPath.Steps };
                }
            }
        }

        _values.WriteDefinitionValues(definition, item, ref own, path);

        if (!isGroup && answers.Count > 0)
        {
            if (DefinitionPath.Parse(definition.Definition) is { } answerPath)
            {
                _values.WriteAnswers(definition, answers, answerPath, own, path);
            }

            if (ObservationExtraction.IsExtracted(own.ObservationExtract))
            {
                _observations.Extract(definition, answers, own, key, path);
            }
        }
        else if (isGroup && ObservationExtraction.IsExtracted(definition.GetExtension(SdcExtensions.ObservationExtract)?.Value) && definition.Code.Count > 0)
        {
            var panel = _observations.NewObservation(definition, $"{key}/{repetition}", own);
            own = own with { ParentObservation = panel };
        }

        if (isGroup)
        {
            Items(definition.Item, item.Item, own, $"{key}/{repetition}", path);
        }
        else
        {
            for (var a = 0; a < item.Answer.Count; a++)
            {
                if (item.Answer[a].Item.Count > 0)
                {
                    Items(definition.Item, item.Answer[a].Item, own, $"{key}/{a}", $"{path}.answer[{a}]");
                }
            }
        }
    }

    private ResourceBuilder? StartsResource(Questionnaire.ItemComponent definition, QuestionnaireResponse.ItemComponent item, string key, string path) =>
        StartsResource(definition, $"Item '{definition.LinkId}'", PathsUnder(definition), item, key, path);

    /// <summary>A resource starts at an item (or the Questionnaire) with definitionExtract or a legacy itemExtractionContext code.</summary>
    private ResourceBuilder? StartsResource(IExtendable definition, string label, IEnumerable<DefinitionPath> pathsUnder, Base item, string key, string path)
    {
        var extract = definition.GetExtensions(SdcExtensions.DefinitionExtract).FirstOrDefault();
        var legacy = definition.GetExtension(SdcExtensions.ItemExtractionContext)?.Value;
        if (extract is null && legacy is null)
        {
            return null;
        }

        string? resourceType;
        string? profile = null;
        if (extract is not null)
        {
            var canonical = (extract.GetExtension("definition")?.Value as Canonical)?.Value
                ?? (extract.Value as Canonical)?.Value;
            if (canonical is null)
            {
                Warn(OperationOutcome.IssueType.Required, path, $"{label}: definitionExtract names no definition.");
                return null;
            }

            const string core = "http://hl7.org/fhir/StructureDefinition/";
            if (canonical.StartsWith(core, StringComparison.Ordinal))
            {
                resourceType = canonical[core.Length..].Split('|')[0];
            }
            else
            {
                profile = canonical;
                resourceType = pathsUnder.FirstOrDefault(p => p.Canonical == canonical)?.ResourceType;
            }
        }
        else if (legacy is Code code)
        {
            resourceType = code.Value;
            profile = pathsUnder.FirstOrDefault(p => p.ResourceType == resourceType && !p.IsCoreDefinition)?.Canonical;
        }
        else
        {
            Warn(OperationOutcome.IssueType.NotSupported, path,
                $"{label}: an itemExtractionContext expression (updating existing resources) is not supported; only a resource type code.");
            return null;
        }

        if (resourceType is null || ResourceBuilder.New(resourceType) is not { } resource)
        {
            Warn(OperationOutcome.IssueType.NotSupported, path, $"{label}: cannot tell which resource type to extract.");
            return null;
        }

        if (profile is not null)
        {
            resource.Meta = new Meta { Profile = [profile] };
        }

        var builder = new ResourceBuilder(resource, key);
        if (extract?.GetExtension("fullUrl")?.Value is { } fullUrl && _values.FullUrl(fullUrl, item) is { } evaluated)
        {
            builder.FullUrl = evaluated;
        }

        _built.Add(builder);
        return builder;
    }

    private static IEnumerable<DefinitionPath> PathsUnder(Questionnaire.ItemComponent item)
    {
        foreach (var candidate in Flatten(item))
        {
            if (DefinitionPath.Parse(candidate.Definition) is { } path)
            {
                yield return path;
            }

            foreach (var value in candidate.GetExtensions(SdcExtensions.DefinitionExtractValue))
            {
                if (DefinitionPath.Parse((value.GetExtension("definition")?.Value as FhirUri)?.Value) is { } valuePath)
                {
                    yield return valuePath;
                }
            }
        }
    }

    private static IEnumerable<Questionnaire.ItemComponent> Flatten(Questionnaire.ItemComponent item) =>
        item.Item.SelectMany(Flatten).Prepend(item);

    /// <summary>
    /// A repetition is known by its item id when the client keeps one (so removing the first of three goals ends that
    /// goal, not the last), otherwise by its position among the repetitions.
    /// </summary>
    internal static string RepetitionKey(QuestionnaireResponse.ItemComponent item, int index) =>
        item.ElementId is { Length: > 0 } id && !id.Contains('/', StringComparison.Ordinal) ? id : index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static bool HasContent(QuestionnaireResponse.ItemComponent item) =>
        item.Answer.Any(a => a.Value is not null || a.Item.Any(HasContent)) || item.Item.Any(HasContent);

    private void Warn(OperationOutcome.IssueType code, string? expression, string diagnostics, OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Warning) =>
        Issues.Add(new FhirIssue(code, diagnostics, expression, severity));
}
