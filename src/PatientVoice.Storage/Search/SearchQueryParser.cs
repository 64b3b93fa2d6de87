using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage.Indexing;

namespace PatientVoice.Storage.Search;

/// <summary>Turns FHIR search parameters into a <see cref="SearchQuery"/>.</summary>
public sealed class SearchQueryParser(SearchParameterRegistry registry)
{
    /// <summary>
    /// Parses the parameters of a search on <paramref name="resourceType"/>. Unknown parameters are ignored
    /// (and left out of <see cref="SearchQuery.AppliedParameters"/>) unless <paramref name="strict"/>
    /// (Prefer: handling=strict), where they are a BadRequestException. A malformed value (date, number,
    /// prefix, modifier, cursor) is a BadRequestException in both modes.
    /// </summary>
    public SearchQuery Parse(string resourceType, IReadOnlyList<KeyValuePair<string, string>> parameters, bool strict)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (registry.ForType(resourceType).Count == 0)
        {
            throw new ResourceNotFoundException($"Resource type '{resourceType}' is not supported.");
        }

        var query = new SearchQuery { ResourceType = resourceType };
        var applied = new List<KeyValuePair<string, string>>();
        var criteria = new List<SearchCriterion>();
        var sort = new List<SortKey>();
        var includes = new List<IncludeSpec>();
        string? cursor = null;

        void Unknown(string message, string name)
        {
            if (strict)
            {
                throw new BadRequestException(message, name);
            }
        }

        foreach (var (key, rawValue) in parameters)
        {
            var value = rawValue ?? "";
            var colon = key.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? key : key[..colon];
            var modifier = colon < 0 ? null : key[(colon + 1)..];
            switch (name)
            {
                case "_count":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                    {
                        throw new BadRequestException($"_count must be a non-negative integer, not '{value}'.", "_count");
                    }

                    query = query with { Count = Math.Min(count, SearchQuery.MaxCount) };
                    applied.Add(new(key, query.Count.ToString(CultureInfo.InvariantCulture)));
                    break;
                case "_cursor":
                    _ = SearchCursor.Decode(value);
                    cursor = value;
                    break;
                case "_sort":
                    var before = sort.Count;
                    ParseSort(resourceType, value, sort, Unknown);
                    if (sort.Count > before)
                    {
                        applied.Add(new(key, SearchCursor.SignatureOf(sort.Skip(before).ToList())));
                    }

                    break;
                case "_summary":
                    if (value == "count")
                    {
                        query = query with { SummaryCount = true };
                    }
                    else if (value is "true" or "text" or "data" or "false")
                    {
                        query = query with { Summary = value };
                    }
                    else
                    {
                        throw new BadRequestException($"_summary must be one of true, text, data, count, false; not '{value}'.", "_summary");
                    }

                    applied.Add(new(key, value));
                    break;
                case "_total":
                    query = query with
                    {
                        Total = value switch
                        {
                            "none" => TotalMode.None,
                            "estimate" => TotalMode.Estimate,
                            "accurate" => TotalMode.Accurate,
                            _ => throw new BadRequestException($"_total must be none, estimate or accurate; not '{value}'.", "_total"),
                        },
                    };
                    applied.Add(new(key, value));
                    break;
                case "_elements":
                    query = query with
                    {
                        Elements = [.. query.Elements ?? [], .. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                    };
                    applied.Add(new(key, value));
                    break;
                case "_include":
                case "_revinclude":
                    var include = ParseInclude(resourceType, name == "_revinclude", modifier, value, Unknown);
                    if (include is not null)
                    {
                        includes.Add(include);
                        applied.Add(new(key, value));
                    }

                    break;
                case "_format":
                case "_pretty":
                    // Rendering concerns of the web host, not search criteria.
                    break;
                default:
                    var parameter = registry.Find(resourceType, name);
                    if (parameter is null)
                    {
                        Unknown($"Unknown search parameter '{name}' for {resourceType}.", name);
                        break;
                    }

                    criteria.Add(ParseCriterion(parameter, modifier, value));
                    applied.Add(new(key, value));
                    break;
            }
        }

        return query with
        {
            Cursor = cursor,
            Criteria = criteria,
            Sort = sort,
            Includes = includes,
            AppliedParameters = applied,
            Count = query.SummaryCount ? 0 : query.Count,
        };
    }

    private void ParseSort(string resourceType, string value, List<SortKey> sort, Action<string, string> unknown)
    {
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var descending = item.StartsWith('-');
            var name = descending ? item[1..] : item;
            var parameter = registry.Find(resourceType, name);
            if (parameter is null)
            {
                unknown($"Cannot sort {resourceType} by unknown parameter '{name}'.", "_sort");
                continue;
            }

            sort.Add(new SortKey(parameter, descending));
        }
    }

    private IncludeSpec? ParseInclude(string resourceType, bool reverse, string? modifier, string value, Action<string, string> unknown)
    {
        var key = reverse ? "_revinclude" : "_include";
        var iterate = modifier is "iterate" or "recurse";
        if (modifier is not null && !iterate)
        {
            throw new BadRequestException($"{key} supports only the :iterate modifier, not ':{modifier}'.", key);
        }

        if (value == "*")
        {
            return new IncludeSpec(resourceType, null, null, reverse, iterate);
        }

        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3)
        {
            throw new BadRequestException($"{key} must be SourceType:parameter[:TargetType], not '{value}'.", key);
        }

        var source = parts[0];
        var target = parts.Length == 3 ? parts[2] : null;
        if (parts[1] == "*")
        {
            return new IncludeSpec(source, null, target, reverse, iterate);
        }

        var parameter = registry.Find(source, parts[1]);
        if (parameter is null || parameter.Type != SearchParamType.Reference)
        {
            unknown($"{key}: '{parts[1]}' is not a reference search parameter of {source}.", key);
            return null;
        }

        return new IncludeSpec(source, parameter.Name, target, reverse, iterate);
    }

    private static SearchCriterion ParseCriterion(SearchParameterDefinition parameter, string? modifierText, string value)
    {
        var (modifier, targetType) = ParseModifier(parameter, modifierText);
        if (modifier == SearchModifier.Missing)
        {
            var missing = value switch
            {
                "true" => true,
                "false" => false,
                _ => throw new BadRequestException($"{parameter.Name}:missing must be true or false, not '{value}'.", parameter.Name),
            };
            return new SearchCriterion(parameter, modifier, [new MissingValue(missing)]);
        }

        var values = SearchValueSyntax.SplitOr(value)
            .Select(v => ParseValue(parameter, modifier, targetType, v))
            .ToArray();
        if (values.Length == 0)
        {
            throw new BadRequestException($"Search parameter '{parameter.Name}' has no value.", parameter.Name);
        }

        return new SearchCriterion(parameter, modifier, values) { TargetType = targetType };
    }

    private static (SearchModifier Modifier, string? TargetType) ParseModifier(SearchParameterDefinition parameter, string? text)
    {
        if (text is null)
        {
            return (SearchModifier.None, null);
        }

        var modifier = (text, parameter.Type) switch
        {
            ("missing", _) => SearchModifier.Missing,
            ("exact", SearchParamType.String) => SearchModifier.Exact,
            ("contains", SearchParamType.String) => SearchModifier.Contains,
            ("not", SearchParamType.Token) => SearchModifier.Not,
            ("text", SearchParamType.Token) when parameter.Source == SearchParameterSource.Indexed => SearchModifier.Text,
            ("identifier", SearchParamType.Reference) => SearchModifier.Identifier,
            ("below", SearchParamType.Uri) => SearchModifier.Below,
            (_, SearchParamType.Reference) when ModelInfo.IsKnownResource(text) => SearchModifier.Type,
            _ => throw new BadRequestException($"Modifier ':{text}' is not supported on search parameter '{parameter.Name}'.", parameter.Name),
        };
        return (modifier, modifier == SearchModifier.Type ? text : null);
    }

    private static SearchValue ParseValue(SearchParameterDefinition parameter, SearchModifier modifier, string? targetType, string raw)
    {
        var name = parameter.Name;
        switch (parameter.Type)
        {
            case SearchParamType.String:
                var text = SearchValueSyntax.Unescape(raw);
                return new StringValue(SearchText.Normalize(text), text);
            case SearchParamType.Token when modifier == SearchModifier.Text:
                return new TokenValue(null, SearchText.Normalize(SearchValueSyntax.Unescape(raw)), false);
            case SearchParamType.Token:
                return ParseToken(raw);
            case SearchParamType.Date:
                var (datePrefix, dateText) = SearchValueSyntax.SplitPrefix(raw, name);
                try
                {
                    return new DateValue(datePrefix, FhirDateRange.Parse(dateText.Replace(' ', '+')));
                }
                catch (FormatException e)
                {
                    throw new BadRequestException($"Search parameter '{name}': {e.Message}", name);
                }

            case SearchParamType.Number:
                var (numberPrefix, numberText) = SearchValueSyntax.SplitPrefix(raw, name);
                return ParseNumber(numberPrefix, numberText, name);
            case SearchParamType.Quantity:
                var (quantityPrefix, quantityText) = SearchValueSyntax.SplitPrefix(raw, name);
                var parts = SearchValueSyntax.SplitPipe(quantityText);
                var number = ParseNumber(quantityPrefix, parts[0], name);
                string? Part(int i) => parts.Count > i && parts[i].Length > 0 ? parts[i] : null;
                return new QuantityValue(quantityPrefix, number, Part(1), Part(2));
            case SearchParamType.Reference when modifier == SearchModifier.Identifier:
                return ParseToken(raw);
            case SearchParamType.Reference:
                return ParseReference(SearchValueSyntax.Unescape(raw), targetType, name);
            case SearchParamType.Uri:
                return new UriValue(SearchValueSyntax.Unescape(raw));
            default:
                throw new BadRequestException($"Search parameter '{name}' of type {parameter.Type} is not supported.", name);
        }
    }

    private static TokenValue ParseToken(string raw)
    {
        var parts = SearchValueSyntax.SplitPipe(raw);
        if (parts.Count == 1)
        {
            return new TokenValue(null, parts[0], false);
        }

        var system = parts[0].Length == 0 ? null : parts[0];
        var code = string.Join('|', parts.Skip(1));
        return new TokenValue(system, code.Length == 0 ? null : code, true);
    }

    private static NumberValue ParseNumber(SearchPrefix prefix, string text, string name)
    {
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new BadRequestException($"Search parameter '{name}': '{text}' is not a number.", name);
        }

        // The precision of the value as written: 100 means [99.5, 100.5), 100.00 means [99.995, 100.005).
        var half = 0.5m / (decimal)Math.Pow(10, value.Scale);
        return new NumberValue(prefix, value, value - half, value + half);
    }

    private static ReferenceValue ParseReference(string raw, string? targetType, string name)
    {
        if (raw.Length == 0)
        {
            throw new BadRequestException($"Search parameter '{name}' has an empty reference.", name);
        }

        if (raw.Contains("://", StringComparison.Ordinal) || raw.StartsWith("urn:", StringComparison.Ordinal))
        {
            var bar = raw.IndexOf('|', StringComparison.Ordinal);
            return bar < 0
                ? new ReferenceValue(null, null, null, raw)
                : new ReferenceValue(null, null, raw[(bar + 1)..] is { Length: > 0 } v ? v : null, raw[..bar]);
        }

        if (raw.Contains('/', StringComparison.Ordinal))
        {
            var parts = ReferenceParts.Parse(raw)
                ?? throw new BadRequestException($"Search parameter '{name}': '{raw}' is not a reference (Type/id).", name);
            if (targetType is not null && parts.TargetType != targetType)
            {
                throw new BadRequestException($"Search parameter '{name}:{targetType}' cannot match '{raw}'.", name);
            }

            return new ReferenceValue(parts.TargetType, parts.TargetId, parts.Version, null);
        }

        return new ReferenceValue(targetType, raw, null, null);
    }
}
