using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Questionnaires.Populate;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Application.Validation;
using PatientVoice.Application.Submit;

namespace PatientVoice.Web.FhirApi.Operations;

/// <summary>
/// SDC <c>Questionnaire/$populate</c>, type level (the Questionnaire by <c>identifier</c>, <c>canonical</c>,
/// <c>questionnaireRef</c> or inline <c>questionnaire</c>) and instance level, by POST (Parameters) or GET (simple
/// parameters). In: <c>subject</c> (required), <c>context</c> (name + content resource: the launch context),
/// <c>local</c> (true: carry forward the subject's last response held here). Out: Parameters with <c>response</c>
/// (an in-progress QuestionnaireResponse) and, when something could not be filled, <c>issues</c>. Nothing is stored.
/// </summary>
public static class PopulateOperation
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapMethods("/Questionnaire/$populate", ["GET", "POST"], (HttpRequest request, PopulateServices services, CancellationToken ct)
            => PopulateAsync(request, null, services, ct)).WithName("populate-type").WithSummary("Pre-fill a QuestionnaireResponse for a subject (SDC $populate)");
        fhir.MapMethods("/Questionnaire/{id}/$populate", ["GET", "POST"], (string id, HttpRequest request, PopulateServices services, CancellationToken ct)
            => PopulateAsync(request, id, services, ct)).WithName("populate-instance").WithSummary("Pre-fill a QuestionnaireResponse to this Questionnaire for a subject (SDC $populate)");
    }

    private static async Task<IResult> PopulateAsync(HttpRequest request, string? id, PopulateServices services, CancellationToken cancellationToken)
    {
        var parameters = HttpMethods.IsPost(request.Method)
            ? await services.Body.ReadAsync(request, cancellationToken) as Parameters
                ?? throw new BadRequestException("$populate takes a Parameters resource.", "resourceType")
            : FromQuery(request);

        var questionnaire = id is not null ? await ReadAsync(services.Store, id, cancellationToken) : await FindAsync(parameters, services, cancellationToken);
        var subject = Single(parameters, "subject")?.Value switch
        {
            ResourceReference { Reference: { Length: > 0 } } reference => reference,
            FhirString { Value: { Length: > 0 } text } => new ResourceReference(text),
            _ => throw new BadRequestException("$populate needs a 'subject' (a Reference such as Patient/123).", "subject"),
        };
        var subjectType = subject.Reference!.Split('/')[0];
        var subjectTypes = questionnaire.SubjectTypeElement.Select(e => e.ToString()).OfType<string>().ToList();
        if (subjectTypes.Count > 0 && !subjectTypes.Contains(subjectType))
        {
            throw new UnprocessableEntityException(
                $"The subject is a {subjectType}, but Questionnaire '{questionnaire.Url}' is answered about {string.Join(" or ", subjectTypes)}.", "subject");
        }

        var context = new PopulateContext(subject) { Clock = services.Time };
        foreach (var part in parameters.Parameter.Where(p => p.Name == "context"))
        {
            var name = part.Part.FirstOrDefault(p => p.Name == "name")?.Value?.ToString();
            var content = part.Part.FirstOrDefault(p => p.Name == "content");
            if (string.IsNullOrEmpty(name) || content is null)
            {
                throw new BadRequestException("Each 'context' needs a 'name' and a 'content' part.", "context");
            }

            context = context.With(name, content.Resource ?? await ResolveAsync(services.Store, content.Value as ResourceReference, name, cancellationToken));
        }

        if (Single(parameters, "local")?.Value is FhirBoolean { Value: true })
        {
            context = await services.Previous.AddToAsync(context, questionnaire, cancellationToken);
        }

        var result = await services.Populator.PopulateAsync(questionnaire, context, cancellationToken);
        var output = new Parameters();
        output.Add("response", result.Response);
        if (result.Issues.Count > 0)
        {
            output.Add("issues", result.ToOperationOutcome());
        }

        return FhirResult.Of(StatusCodes.Status200OK, output);
    }

    private static async Task<Questionnaire> FindAsync(Parameters parameters, PopulateServices services, CancellationToken cancellationToken)
    {
        var given = new[] { "identifier", "canonical", "questionnaire", "questionnaireRef" }.Where(n => parameters.Parameter.Any(p => p.Name == n)).ToList();
        if (given.Count != 1)
        {
            throw new BadRequestException(
                $"Name the Questionnaire with exactly one of 'identifier', 'canonical', 'questionnaire' or 'questionnaireRef' (given: {(given.Count == 0 ? "none" : string.Join(", ", given))}), or call Questionnaire/[id]/$populate.",
                "Parameters.parameter");
        }

        var parameter = Single(parameters, given[0])!;
        switch (given[0])
        {
            case "questionnaire":
                return parameter.Resource as Questionnaire ?? throw new BadRequestException("'questionnaire' must be a Questionnaire resource.", "questionnaire");
            case "canonical":
                var canonical = (parameter.Value as PrimitiveType)?.ToString() ?? throw new BadRequestException("'canonical' must be a canonical URL.", "canonical");
                return await services.Questionnaires.FindAsync(canonical, cancellationToken)
                    ?? throw new ResourceNotFoundException($"No Questionnaire '{canonical}' is held here.");
            case "questionnaireRef":
                var reference = (parameter.Value as ResourceReference)?.Reference ?? throw new BadRequestException("'questionnaireRef' must be a Reference.", "questionnaireRef");
                return reference.StartsWith("Questionnaire/", StringComparison.Ordinal)
                    ? await ReadAsync(services.Store, reference["Questionnaire/".Length..], cancellationToken)
                    : await services.Questionnaires.FindAsync(reference, cancellationToken) ?? throw new ResourceNotFoundException($"No Questionnaire '{reference}' is held here.");
            default:
                var identifier = parameter.Value as Identifier ?? throw new BadRequestException("'identifier' must be an Identifier.", "identifier");
                var value = identifier.System is null ? identifier.Value : $"{identifier.System}|{identifier.Value}";
                var query = services.Parser.Parse("Questionnaire", [new("identifier", value ?? string.Empty), new("_sort", "-_lastUpdated")], strict: true) with { Count = 1 };
                return (await services.Store.SearchAsync(query, cancellationToken)).Matches is [{ Json: { } json }, ..]
                    ? FhirSerializer.Parse<Questionnaire>(json)
                    : throw new ResourceNotFoundException($"No Questionnaire with identifier '{value}' is held here.");
        }
    }

    private static async Task<Questionnaire> ReadAsync(IResourceStore store, string id, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync("Questionnaire", id, cancellationToken) ?? throw new ResourceNotFoundException($"Questionnaire/{id} is not known.");
        return stored.Json is null
            ? throw new ResourceGoneException($"Questionnaire/{id} was deleted.")
            : FhirSerializer.Parse<Questionnaire>(stored.Json);
    }

    // A context given by reference must be something this server holds; the EHR's resources (Patient, Condition) come as content.
    private static async Task<Resource> ResolveAsync(IResourceStore store, ResourceReference? reference, string name, CancellationToken cancellationToken)
    {
        var parts = reference?.Reference?.Split('/');
        if (parts is not [var type, var id] || !Fhir.Conformance.SupportedResourceTypes.IsSupported(type)
            || await store.ReadAsync(type, id, cancellationToken) is not { Json: { } json })
        {
            throw new UnprocessableEntityException(
                $"The context '{name}' refers to '{reference?.Reference}', which this server does not hold; give the resource itself as the content.", "context");
        }

        return FhirSerializer.Parse<Resource>(json);
    }

    private static Parameters.ParameterComponent? Single(Parameters parameters, string name)
    {
        var matches = parameters.Parameter.Where(p => p.Name == name).ToList();
        return matches.Count > 1 ? throw new BadRequestException($"'{name}' may be given once.", name) : matches.FirstOrDefault();
    }

    // GET takes the simple parameters: subject, canonical, identifier (system|value), local.
    private static Parameters FromQuery(HttpRequest request)
    {
        var parameters = new Parameters();
        foreach (var (name, value) in FhirRequest.QueryPairs(request.Query).Where(p => p.Key is not ("_format" or "_pretty")))
        {
            switch (name)
            {
                case "subject": parameters.Add("subject", new ResourceReference(value)); break;
                case "canonical": parameters.Add("canonical", new Canonical(value)); break;
                case "local": parameters.Add("local", new FhirBoolean(bool.TryParse(value, out var local) ? local : throw new BadRequestException("'local' is true or false.", "local"))); break;
                case "identifier":
                    var bar = value.IndexOf('|', StringComparison.Ordinal);
                    parameters.Add("identifier", bar < 0 ? new Identifier(null, value) : new Identifier(value[..bar], value[(bar + 1)..]));
                    break;
                default: throw new BadRequestException($"'{name}' is not a $populate parameter that GET can carry; POST a Parameters resource for 'context' or 'questionnaire'.", name);
            }
        }

        return parameters;
    }
}

/// <summary>What $populate needs from the container, as one parameter.</summary>
public sealed record PopulateServices(
    FhirRequestBody Body,
    IResourceStore Store,
    SearchQueryParser Parser,
    QuestionnaireLookup Questionnaires,
    QuestionnairePopulator Populator,
    PreviousResponses Previous,
    TimeProvider Time);
