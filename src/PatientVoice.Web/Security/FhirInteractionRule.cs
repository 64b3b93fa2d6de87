using PatientVoice.Smart.Scopes;

namespace PatientVoice.Web.Security;

/// <summary>What an interaction (an endpoint name of the FHIR API, or a Bundle entry's) needs from a token's scopes.</summary>
/// <param name="Open">Served without a token (the CapabilityStatement and the SMART configuration).</param>
/// <param name="Letters">The letters needed together; None: a token is enough (a Bundle is checked entry by entry).</param>
/// <param name="Alternatives">Letters that will do instead of <paramref name="Letters"/> ($validate: create or update).</param>
/// <param name="OnInstance">The interaction names one resource (type and id).</param>
/// <param name="Writes">The interaction changes the store.</param>
public sealed record FhirInteractionRule(bool Open, SmartInteractions Letters, SmartInteractions Alternatives, bool OnInstance, bool Writes)
{
    private const SmartInteractions C = SmartInteractions.Create;
    private const SmartInteractions R = SmartInteractions.Read;
    private const SmartInteractions U = SmartInteractions.Update;
    private const SmartInteractions D = SmartInteractions.Delete;
    private const SmartInteractions S = SmartInteractions.Search;

    private static readonly FhirInteractionRule OpenRule = new(true, SmartInteractions.None, SmartInteractions.None, false, false);
    private static readonly FhirInteractionRule TokenOnly = new(false, SmartInteractions.None, SmartInteractions.None, false, false);

    private static readonly Dictionary<string, FhirInteractionRule> Rules = new(StringComparer.Ordinal)
    {
        ["capabilities"] = OpenRule,
        ["smart-configuration"] = OpenRule,
        ["batch-transaction"] = TokenOnly,
        ["unknown"] = TokenOnly,
        ["read"] = new(false, R, SmartInteractions.None, true, false),
        ["vread"] = new(false, R, SmartInteractions.None, true, false),
        ["history-instance"] = new(false, R, SmartInteractions.None, true, false),
        ["validate-stored"] = new(false, R, SmartInteractions.None, true, false),
        ["extract-instance"] = new(false, R, SmartInteractions.None, true, false),
        ["search-type"] = new(false, S, SmartInteractions.None, false, false),
        ["search-type-post"] = new(false, S, SmartInteractions.None, false, false),
        ["history-type"] = new(false, S, SmartInteractions.None, false, false),
        ["history-system"] = new(false, S, SmartInteractions.None, false, false),
        ["create"] = new(false, C, SmartInteractions.None, false, true),
        ["update"] = new(false, U, SmartInteractions.None, true, true),
        ["conditional-update"] = new(false, U, SmartInteractions.None, false, true),
        ["delete"] = new(false, D, SmartInteractions.None, true, true),
        ["conditional-delete"] = new(false, D, SmartInteractions.None, false, true),
        // Checking a resource before writing it: a scope that could write it.
        ["validate-type"] = new(false, C, U, false, false),
        ["validate-instance"] = new(false, U, SmartInteractions.None, true, false),
        // $extract of a response in the body is a dry run of a submission: a scope that could submit it.
        ["extract-type"] = new(false, C, SmartInteractions.None, false, false),
        // Bulk Data $export: each type is checked by the kick-off (the export holds only what the token can read);
        // status, cancel and files belong to the client that started the export.
        ["export-system"] = TokenOnly,
        ["export-patient"] = TokenOnly,
        ["export-group"] = TokenOnly,
        ["export-status"] = TokenOnly,
        ["export-cancel"] = TokenOnly,
        ["export-file"] = TokenOnly,
        // Subscriptions (R4 backport): a subscription's status and its past events are read like the subscription.
        // One-time links (docs/adr/0029): Task letters here; the operation itself also requires the system/ context.
        ["invite"] = new(false, C, SmartInteractions.None, false, true),
        ["invite-revoke"] = new(false, U, SmartInteractions.None, true, true),
        // Who is being reached (docs/adr/0031): read letters on MeasureReport here; the operation also requires the system/ context.
        ["measure-read"] = new(false, R, SmartInteractions.None, false, false),
        ["measure-evaluate"] = new(false, R, SmartInteractions.None, false, false),
        ["subscription-status"] = new(false, R, SmartInteractions.None, true, false),
        ["subscription-status-type"] = new(false, R, SmartInteractions.None, false, false),
        ["subscription-events"] = new(false, R, SmartInteractions.None, true, false),
    };

    /// <summary>The rule of an interaction; an interaction this table does not know needs every letter (nothing unknown is open).</summary>
    public static FhirInteractionRule For(string interaction)
        => Rules.TryGetValue(interaction, out var rule) ? rule : new(false, SmartInteractions.All, SmartInteractions.None, false, true);

    /// <summary>The interaction a Bundle entry stands for, by its method and whether its URL names an id.</summary>
    public static string ForBundleEntry(Hl7.Fhir.Model.Bundle.HTTPVerb? method, bool hasId) => method switch
    {
        Hl7.Fhir.Model.Bundle.HTTPVerb.GET or Hl7.Fhir.Model.Bundle.HTTPVerb.HEAD => hasId ? "read" : "search-type",
        Hl7.Fhir.Model.Bundle.HTTPVerb.POST => "create",
        Hl7.Fhir.Model.Bundle.HTTPVerb.PUT => hasId ? "update" : "conditional-update",
        Hl7.Fhir.Model.Bundle.HTTPVerb.DELETE => hasId ? "delete" : "conditional-delete",
        _ => "unknown-entry",
    };

    /// <summary>The letters as SMART writes them, e.g. <c>rs</c>.</summary>
    public static string Text(SmartInteractions letters)
        => string.Concat("cruds".Where((_, i) => (letters & (SmartInteractions)(1 << i)) != 0));
}
