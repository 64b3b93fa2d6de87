using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Application.Export;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Errors;
using PatientVoice.Smart.Scopes;
using PatientVoice.Storage.Search;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.FhirApi.Export;

/// <summary>
/// Turns a Bulk Data kick-off request (its parameters, by GET or as a POSTed Parameters, and its token) into an
/// <see cref="ExportJob"/>: which types, limited to which patients, filtered how. Wrong or unsupported parameters are a
/// 400; with <c>Prefer: handling=lenient</c> an unsupported parameter or type is left out and said in the job's error
/// file instead (IG 2.0.0). Types the token cannot read are left out of a default export and refused (403) when asked
/// for by name, or left out with a warning under lenient handling.
/// </summary>
internal sealed class ExportKickOff(SearchQueryParser parser)
{
    /// <summary><c>_outputFormat</c> values: ndjson and the abbreviations the IG says a server SHALL accept.</summary>
    private static readonly HashSet<string> OutputFormats = new(StringComparer.OrdinalIgnoreCase) { "application/fhir+ndjson", "application/ndjson", "ndjson" };

    /// <summary>Search parameters that shape a response page rather than select resources: not allowed in <c>_typeFilter</c>.</summary>
    private static readonly HashSet<string> PagingParameters = new(StringComparer.Ordinal)
        { "_count", "_sort", "_include", "_revinclude", "_cursor", "_summary", "_elements", "_total", "_contained", "_containedType", "_format", "_pretty" };

    public sealed record Parameter(string Name, string? Value, string? Reference);

    public ExportJob Plan(ExportLevel level, string? groupId, IReadOnlyList<Parameter> parameters, FhirAccessGrant grant, bool lenient, string request, DateTimeOffset transactionTime)
    {
        var warnings = new List<string>();
        void Unsupported(string message)
        {
            if (!lenient)
            {
                throw new BadRequestException(message + " (Prefer: handling=lenient leaves it out instead.)", code: OperationOutcome.IssueType.NotSupported);
            }

            warnings.Add(message + " It was left out (Prefer: handling=lenient).");
        }

        DateTimeOffset? since = null;
        List<string>? requestedTypes = null;
        var filters = new List<string>();
        List<string>? patients = null;
        foreach (var parameter in parameters)
        {
            switch (parameter.Name)
            {
                case "_outputFormat":
                    if (parameter.Value is null || !OutputFormats.Contains(parameter.Value.Trim()))
                    {
                        throw new BadRequestException($"_outputFormat '{parameter.Value}' is not supported; this server writes application/fhir+ndjson (also accepted as application/ndjson or ndjson).", "_outputFormat", OperationOutcome.IssueType.NotSupported);
                    }

                    break;
                case "_since":
                    if (since is not null)
                    {
                        throw new BadRequestException("_since may be given once.", "_since");
                    }

                    since = ParseInstant(parameter.Value);
                    break;
                case "_type":
                    requestedTypes ??= [];
                    requestedTypes.AddRange(Split(parameter.Value));
                    break;
                case "_typeFilter":
                    filters.AddRange(Split(parameter.Value));
                    break;
                case "patient":
                    if (level == ExportLevel.System)
                    {
                        throw new BadRequestException("The patient parameter applies to Patient/$export and Group/[id]/$export, not to the system-level $export.", "patient");
                    }

                    if (parameter.Reference is null)
                    {
                        throw new BadRequestException("The patient parameter is a reference (valueReference) in a POSTed Parameters resource, e.g. {\"name\":\"patient\",\"valueReference\":{\"reference\":\"Patient/123\"}}.", "patient");
                    }

                    patients ??= [];
                    patients.Add(ExportRunner.PatientId(parameter.Reference)
                        ?? throw new BadRequestException($"The patient parameter must reference a Patient (Patient/[id]), not '{parameter.Reference}'.", "patient"));
                    break;
                case "_format" or "_pretty":
                    // How an error answer to the kick-off is written; not an export parameter.
                    break;
                default:
                    Unsupported($"The $export parameter '{parameter.Name}' is not supported by this server (supported: _outputFormat, _since, _type, _typeFilter, patient).");
                    break;
            }
        }

        var types = Types(level, requestedTypes, grant, lenient, warnings, Unsupported);
        var filtersByType = Filters(filters, types, Unsupported);
        var plans = types.Select(type =>
        {
            var parameter = PatientCompartment.ParameterFor(type);
            var reach = grant.ReachFor(type, SmartInteractions.Read);
            IReadOnlyList<string>? limited = null;
            if (parameter is not null)
            {
                if (!reach.IsAllPatients)
                {
                    limited = [reach.PatientId!];
                }

                if (patients is not null)
                {
                    limited = limited is null ? patients.Distinct(StringComparer.Ordinal).ToList() : limited.Intersect(patients, StringComparer.Ordinal).ToList();
                }
            }

            return new ExportTypePlan(type, parameter, limited, level == ExportLevel.Patient && parameter is not null, filtersByType.GetValueOrDefault(type) ?? []);
        }).ToList();

        return new ExportJob(BulkExport.NewJobId(), level, groupId, request, transactionTime, since, new ExportOwner(grant.Issuer, grant.ClientId), plans, warnings);
    }

    /// <summary>
    /// The types to export, in the order asked (or ours). By default: every type the token can read, patient data only
    /// for Patient- and Group-level exports, and never the audit trail (ask for AuditEvent by name).
    /// </summary>
    private static List<string> Types(ExportLevel level, List<string>? requested, FhirAccessGrant grant, bool lenient, List<string> warnings, Action<string> unsupported)
    {
        bool Readable(string type) => grant.ReachFor(type, SmartInteractions.Read).Granted;
        if (requested is null)
        {
            var defaults = SupportedResourceTypes.All
                .Where(t => t != FhirAccessGrant.AuditEventType && (level == ExportLevel.System || PatientCompartment.HoldsPatientData(t)))
                .Where(Readable)
                .ToList();
            return defaults.Count > 0
                ? defaults
                : throw new AccessDeniedException($"The token can read none of the types an export holds; it needs read access (e.g. system/*.rs). Granted: {grant.Scopes}.");
        }

        var types = new List<string>();
        foreach (var type in requested.Distinct(StringComparer.Ordinal))
        {
            if (!SupportedResourceTypes.IsSupported(type))
            {
                unsupported($"_type '{type}' is not a resource type this server holds (it holds {string.Join(", ", SupportedResourceTypes.All)}).");
            }
            else if (!Readable(type))
            {
                if (!lenient)
                {
                    throw new AccessDeniedException($"The token's scopes do not grant read on {type}, which _type asks for; granted: {grant.Scopes}.");
                }

                warnings.Add($"The token cannot read {type}; it was left out (Prefer: handling=lenient).");
            }
            else
            {
                types.Add(type);
            }
        }

        return types.Count > 0
            ? types
            : throw new BadRequestException("_type names no resource type this server can export for this token.", "_type");
    }

    /// <summary><c>_typeFilter</c> queries by type, each checked as a search of that type (a bad one is a 400).</summary>
    private Dictionary<string, List<string>> Filters(List<string> filters, List<string> types, Action<string> unsupported)
    {
        var byType = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var filter in filters)
        {
            var question = filter.IndexOf('?', StringComparison.Ordinal);
            if (question <= 0)
            {
                throw new BadRequestException($"_typeFilter '{filter}' is not a query of the form [type]?[parameters].", "_typeFilter");
            }

            var type = filter[..question];
            var query = filter[(question + 1)..];
            if (!types.Contains(type))
            {
                unsupported($"_typeFilter '{filter}' is about {type}, which this export does not include.");
                continue;
            }

            var pairs = SearchCriteria.Parse(query);
            if (pairs.Count == 0 || pairs.Any(p => PagingParameters.Contains(p.Key.Split(':')[0])))
            {
                throw new BadRequestException($"_typeFilter '{filter}' must select resources with search parameters, without paging or result parameters such as _count, _sort or _include.", "_typeFilter");
            }

            parser.Parse(type, pairs, strict: true);
            (byType.TryGetValue(type, out var list) ? list : byType[type] = []).Add(query);
        }

        return byType;
    }

    private static DateTimeOffset ParseInstant(string? value)
    {
        // An instant: a date, a time and a zone (the IG's _since is a FHIR instant).
        if (value is not null && value.Contains('T', StringComparison.Ordinal)
            && (value.EndsWith('Z') || value.LastIndexOfAny(['+', '-']) > value.IndexOf('T', StringComparison.Ordinal))
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        throw new BadRequestException($"_since '{value}' is not a FHIR instant (e.g. 2026-01-31T08:00:00Z).", "_since");
    }

    private static IEnumerable<string> Split(string? value)
        => (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
