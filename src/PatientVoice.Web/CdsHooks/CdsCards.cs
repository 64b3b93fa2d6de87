using System.Text.Json.Serialization;

namespace PatientVoice.Web.CdsHooks;

/// <summary>A CDS Hooks response: zero or more cards.</summary>
public sealed record CdsResponse(IReadOnlyList<CdsCard> Cards);

/// <summary>A card (CDS Hooks 2.0 §Card Attributes), as PatientVoice fills it.</summary>
public sealed record CdsCard(
    string Uuid,
    string Summary,
    string Indicator,
    CdsSource Source,
    IReadOnlyList<CdsLink> Links)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Detail { get; init; }
}

public sealed record CdsSource(string Label, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url = null);

/// <summary>A link; <c>type</c> <c>smart</c> makes the EHR SMART-launch <c>url</c> with <c>appContext</c>.</summary>
public sealed record CdsLink(string Label, string Url, string Type, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AppContext = null);
