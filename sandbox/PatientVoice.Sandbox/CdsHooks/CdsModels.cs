using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientVoice.Sandbox.CdsHooks;

/// <summary>A CDS service's discovery response (CDS Hooks 2.0 §Discovery).</summary>
public sealed record CdsDiscovery([property: JsonPropertyName("services")] IReadOnlyList<CdsServiceDescription>? Services);

public sealed record CdsServiceDescription(
    [property: JsonPropertyName("hook")] string? Hook,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("prefetch")] IReadOnlyDictionary<string, string>? Prefetch);

/// <summary>The response to a hook call: cards (systemActions are not acted on by this EHR).</summary>
public sealed record CdsHookResponse([property: JsonPropertyName("cards")] IReadOnlyList<CdsCard>? Cards);

public sealed record CdsCard(
    [property: JsonPropertyName("uuid")] string? Uuid,
    [property: JsonPropertyName("summary")] string? Summary,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("indicator")] string? Indicator,
    [property: JsonPropertyName("source")] CdsSource? Source,
    [property: JsonPropertyName("suggestions")] IReadOnlyList<CdsSuggestion>? Suggestions,
    [property: JsonPropertyName("links")] IReadOnlyList<CdsLink>? Links);

public sealed record CdsSource(
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("url")] string? Url);

public sealed record CdsSuggestion([property: JsonPropertyName("label")] string? Label);

/// <summary>A card link: <c>absolute</c> opens a page; <c>smart</c> launches a SMART app for this chart.</summary>
public sealed record CdsLink(
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("appContext")] JsonElement? AppContext)
{
    public bool IsSmart => string.Equals(Type, "smart", StringComparison.Ordinal);

    /// <summary>The link's <c>appContext</c> (a string in CDS Hooks 2.0; anything else as its JSON text), or null.</summary>
    public string? AppContextText => AppContext switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: JsonValueKind.Object or JsonValueKind.Array } json => json.GetRawText(),
        _ => null,
    };
}

/// <summary>The cards a chart shows, with the service that sent each, and a quiet note per service that did not answer well.</summary>
public sealed record CdsHooksOutcome(IReadOnlyList<(string Service, CdsCard Card)> Cards, IReadOnlyList<string> Notes)
{
    public static CdsHooksOutcome None { get; } = new([], []);
}
