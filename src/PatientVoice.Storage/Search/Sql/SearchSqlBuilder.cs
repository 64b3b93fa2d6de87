using Hl7.Fhir.Model;
using PatientVoice.Storage.Indexing;

namespace PatientVoice.Storage.Search.Sql;

/// <summary>
/// Translates the query model into SQL over the resource table (alias <c>r</c>) and the index tables.
/// Each criterion is <c>r.pk IN (index range scan)</c>, so a selective criterion drives the query.
/// </summary>
internal sealed class SearchSqlBuilder(SqlDialect dialect)
{
    public SqlDialect Dialect => dialect;

    /// <summary>The WHERE condition selecting the live resources of the query's type that meet every criterion.</summary>
    public string Where(SearchQuery query, SqlParameterList ps)
    {
        // With a positive index criterion, that criterion's index range drives the query, not a scan of the type.
        var driven = query.Criteria.Any(c => c.Parameter.Source != SearchParameterSource.LastUpdated
            && c.Modifier != SearchModifier.Not && c.Values[0] is not MissingValue);
        var type = driven ? dialect.Unindexed("r.resource_type") : "r.resource_type";
        var conditions = new List<string> { $"{type} = {ps.Add(query.ResourceType)}", "r.is_deleted = 0" };
        conditions.AddRange(query.Criteria.Select(c => Criterion(query.ResourceType, c, ps)));
        return string.Join(" AND ", conditions);
    }

    public static string TableFor(SearchParamType type) => type switch
    {
        SearchParamType.String => "search_string",
        SearchParamType.Token => "search_token",
        SearchParamType.Date => "search_date",
        SearchParamType.Reference => "search_reference",
        SearchParamType.Uri => "search_uri",
        SearchParamType.Number => "search_number",
        SearchParamType.Quantity => "search_quantity",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an indexed parameter type."),
    };

    private string Criterion(string resourceType, SearchCriterion criterion, SqlParameterList ps)
    {
        var parameter = criterion.Parameter;
        if (criterion.Values[0] is MissingValue missingValue)
        {
            if (parameter.Source != SearchParameterSource.Indexed)
            {
                // _id and _lastUpdated are never missing.
                return missingValue.Missing ? "1 = 0" : "1 = 1";
            }

            var any = $"SELECT s.resource_pk FROM {TableFor(parameter.Type)} s WHERE s.resource_type = {ps.Add(resourceType)} AND s.param = {ps.Add(parameter.Name)}";
            return missingValue.Missing ? $"r.pk NOT IN ({any})" : $"r.pk IN ({any})";
        }

        switch (parameter.Source)
        {
            case SearchParameterSource.ResourceId:
                var ids = string.Join(", ", criterion.Values.Cast<TokenValue>().Select(v => ps.Add(v.Code)));
                return criterion.Modifier == SearchModifier.Not ? $"r.resource_id NOT IN ({ids})" : $"r.resource_id IN ({ids})";
            case SearchParameterSource.LastUpdated:
                return "(" + string.Join(" OR ", criterion.Values.Cast<DateValue>().Select(v => DateCondition("r.last_updated", "r.last_updated", v, ps))) + ")";
            default:
                break;
        }

        var table = TableFor(criterion.Modifier == SearchModifier.Identifier ? SearchParamType.Token : parameter.Type);
        var paramName = criterion.Modifier == SearchModifier.Identifier ? parameter.Name + ":identifier" : parameter.Name;
        var match = string.Join(" OR ", criterion.Values.Select(v => "(" + ValueCondition(criterion, v, ps) + ")"));
        var sub = $"SELECT s.resource_pk FROM {table} s WHERE s.resource_type = {ps.Add(resourceType)} AND s.param = {ps.Add(paramName)} AND ({match})";
        return criterion.Modifier == SearchModifier.Not ? $"r.pk NOT IN ({sub})" : $"r.pk IN ({sub})";
    }

    private string ValueCondition(SearchCriterion criterion, SearchValue value, SqlParameterList ps)
    {
        switch (value)
        {
            case StringValue s when criterion.Modifier == SearchModifier.Exact:
                return $"s.value_exact = {ps.Add(s.Exact)}";
            case StringValue s when criterion.Modifier == SearchModifier.Contains:
                return $"s.value_norm LIKE {ps.Add("%" + EscapeLike(s.Normalized) + "%")} {dialect.LikeEscapeClause}";
            case StringValue s:
                return $"s.value_norm >= {ps.Add(s.Normalized)} AND s.value_norm < {ps.Add(dialect.PrefixUpperBound(s.Normalized))}";
            case TokenValue t when criterion.Modifier == SearchModifier.Text:
                return $"s.text LIKE {ps.Add("%" + EscapeLike(t.Code ?? "") + "%")} {dialect.LikeEscapeClause}";
            case TokenValue t:
                return TokenCondition(t, ps);
            case DateValue d:
                return DateCondition("s.start_ms", "s.end_ms", d, ps);
            case NumberValue n:
                return NumberCondition("s.value", n, ps);
            case QuantityValue q:
                var condition = NumberCondition("s.value", q.Number, ps);
                if (q.System is not null)
                {
                    condition += $" AND s.system = {ps.Add(q.System)}";
                }

                if (q.Code is not null)
                {
                    var code = ps.Add(q.Code);
                    condition += q.System is null ? $" AND (s.code = {code} OR s.unit = {code})" : $" AND s.code = {code}";
                }

                return condition;
            case ReferenceValue r:
                var parts = new List<string>();
                if (r.Url is not null)
                {
                    parts.Add($"s.url = {ps.Add(r.Url)}");
                }

                if (r.TargetId is not null)
                {
                    parts.Add($"s.target_id = {ps.Add(r.TargetId)}");
                }

                var type = r.TargetType ?? criterion.TargetType;
                if (type is not null && r.Url is null)
                {
                    parts.Add($"s.target_type = {ps.Add(type)}");
                }

                if (r.Version is not null)
                {
                    parts.Add($"s.target_version = {ps.Add(r.Version)}");
                }

                return string.Join(" AND ", parts);
            case UriValue u when criterion.Modifier == SearchModifier.Below:
                return $"s.uri >= {ps.Add(u.Uri)} AND s.uri < {ps.Add(dialect.PrefixUpperBound(u.Uri))}";
            case UriValue u:
                return $"s.uri = {ps.Add(u.Uri)}";
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.GetType().Name, "Unsupported search value.");
        }
    }

    private static string TokenCondition(TokenValue t, SqlParameterList ps)
    {
        if (!t.SystemGiven)
        {
            return $"s.code = {ps.Add(t.Code)}";
        }

        if (t.System is null)
        {
            return $"s.system IS NULL AND s.code = {ps.Add(t.Code)}";
        }

        return t.Code is null
            ? $"s.system = {ps.Add(t.System)}"
            : $"s.code = {ps.Add(t.Code)} AND s.system = {ps.Add(t.System)}";
    }

    /// <summary>
    /// A stored range [start, end] against a search range [ps, pe], per FHIR's prefix semantics: eq means the
    /// stored range lies within the searched one; gt/lt/ge/le compare the ends; sa/eb mean wholly after/before.
    /// </summary>
    public static string DateCondition(string start, string end, DateValue value, SqlParameterList ps)
    {
        var (s, e) = (value.Range.StartMs, value.Range.EndMs);
        switch (value.Prefix)
        {
            case SearchPrefix.Eq: return $"{start} >= {ps.Add(s)} AND {end} <= {ps.Add(e)}";
            case SearchPrefix.Ne: return $"NOT ({start} >= {ps.Add(s)} AND {end} <= {ps.Add(e)})";
            case SearchPrefix.Gt: return $"{end} > {ps.Add(e)}";
            case SearchPrefix.Lt: return $"{start} < {ps.Add(s)}";
            case SearchPrefix.Ge: return $"{end} >= {ps.Add(s)}";
            case SearchPrefix.Le: return $"{start} <= {ps.Add(e)}";
            case SearchPrefix.Sa: return $"{start} > {ps.Add(e)}";
            case SearchPrefix.Eb: return $"{end} < {ps.Add(s)}";
            case SearchPrefix.Ap:
                // Approximately: the searched range widened by 10% of its distance from now (at least a day).
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var slack = Math.Max(Math.Abs(now - s) / 10, (long)TimeSpan.FromDays(1).TotalMilliseconds);
                return $"{start} <= {ps.Add(e + slack)} AND {end} >= {ps.Add(s - slack)}";
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Prefix, "Unknown prefix.");
        }
    }

    private static string NumberCondition(string column, NumberValue n, SqlParameterList ps)
    {
        var v = (double)n.Value;
        switch (n.Prefix)
        {
            case SearchPrefix.Eq: return $"{column} >= {ps.Add((double)n.Low)} AND {column} < {ps.Add((double)n.High)}";
            case SearchPrefix.Ne: return $"NOT ({column} >= {ps.Add((double)n.Low)} AND {column} < {ps.Add((double)n.High)})";
            case SearchPrefix.Gt or SearchPrefix.Sa: return $"{column} > {ps.Add(v)}";
            case SearchPrefix.Lt or SearchPrefix.Eb: return $"{column} < {ps.Add(v)}";
            case SearchPrefix.Ge: return $"{column} >= {ps.Add(v)}";
            case SearchPrefix.Le: return $"{column} <= {ps.Add(v)}";
            case SearchPrefix.Ap:
                var slack = Math.Abs(v) / 10;
                return $"{column} >= {ps.Add(v - slack)} AND {column} <= {ps.Add(v + slack)}";
            default:
                throw new ArgumentOutOfRangeException(nameof(n), n.Prefix, "Unknown prefix.");
        }
    }

    /// <summary>
    /// The value a resource sorts by: the resource table's column for _id/_lastUpdated, else the smallest
    /// (ascending) or largest (descending) indexed value; dates sort by start ascending and end descending.
    /// </summary>
    public static string SortExpression(SortKey key, SqlParameterList ps)
    {
        var parameter = key.Parameter;
        switch (parameter.Source)
        {
            case SearchParameterSource.ResourceId: return "r.resource_id";
            case SearchParameterSource.LastUpdated: return "r.last_updated";
            default: break;
        }

        var column = parameter.Type switch
        {
            SearchParamType.String => "s.value_norm",
            SearchParamType.Token => "s.code",
            SearchParamType.Date => key.Descending ? "s.end_ms" : "s.start_ms",
            SearchParamType.Reference => "COALESCE(s.target_type || '/' || s.target_id, s.url)",
            SearchParamType.Uri => "s.uri",
            _ => "s.value",
        };
        var aggregate = key.Descending ? "MAX" : "MIN";
        return $"(SELECT {aggregate}({column}) FROM {TableFor(parameter.Type)} s WHERE s.resource_pk = r.pk AND s.param = {ps.Add(parameter.Name)})";
    }

    /// <summary>ORDER BY over the page subquery (alias q, keys k0..kn): NULL keys last, pk as tie-breaker.</summary>
    public static string OrderBy(IReadOnlyList<SortKey> sort, bool reverse)
    {
        var terms = new List<string>();
        for (var i = 0; i < sort.Count; i++)
        {
            var descending = sort[i].Descending ^ reverse;
            terms.Add($"(q.k{i} IS NULL) {(reverse ? "DESC" : "ASC")}");
            terms.Add($"q.k{i} {(descending ? "DESC" : "ASC")}");
        }

        terms.Add(reverse ? "q.pk DESC" : "q.pk ASC");
        return string.Join(", ", terms);
    }

    /// <summary>Rows strictly after (or, when backward, strictly before) the cursor's row in the sort order.</summary>
    public static string Keyset(IReadOnlyList<SortKey> sort, SearchCursor cursor, SqlParameterList ps)
    {
        var backward = cursor.Backward;
        var condition = backward ? $"q.pk < {ps.Add(cursor.Pk)}" : $"q.pk > {ps.Add(cursor.Pk)}";
        for (var i = sort.Count - 1; i >= 0; i--)
        {
            var k = $"q.k{i}";
            var c = cursor.Keys[i];
            string beyond, equal;
            if (c is null)
            {
                // NULLs sort last: nothing is after a NULL key, everything non-NULL is before it.
                beyond = backward ? $"{k} IS NOT NULL" : "1 = 0";
                equal = $"{k} IS NULL";
            }
            else
            {
                var p = ps.Add(c);
                var greater = sort[i].Descending ^ backward ? "<" : ">";
                beyond = backward ? $"{k} {greater} {p}" : $"({k} {greater} {p} OR {k} IS NULL)";
                equal = $"{k} = {p}";
            }

            condition = $"({beyond} OR ({equal} AND {condition}))";
        }

        return condition;
    }

    private static string EscapeLike(string value)
        => value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
