using PatientVoice.Fhir.Errors;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;

namespace PatientVoice.Storage.Tests;

public sealed class SearchQueryParserTests
{
    private static readonly SearchQueryParser Parser = new(new SearchParameterRegistry());

    private static SearchQuery Parse(string type, string query, bool strict = false)
        => Parser.Parse(type, query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Select(p => new KeyValuePair<string, string>(p[0], p.Length > 1 ? p[1] : "")).ToList(), strict);

    [Fact]
    public void Unknown_parameters_are_ignored_and_left_out_of_the_applied_parameters_when_lenient()
    {
        var query = Parse("Goal", "foo=bar&lifecycle-status=active");
        Assert.Single(query.Criteria);
        Assert.Equal([new("lifecycle-status", "active")], query.AppliedParameters);
    }

    [Fact]
    public void Unknown_parameters_are_a_bad_request_naming_the_parameter_when_strict()
    {
        var e = Assert.Throws<BadRequestException>(() => Parse("Goal", "foo=bar", strict: true));
        Assert.Contains("foo", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("start-date=2024-13-01")]
    [InlineData("start-date=xx2024")]
    [InlineData("start-date=2024-01-01T25:00")]
    [InlineData("_count=-1")]
    [InlineData("_count=many")]
    [InlineData("_total=some")]
    [InlineData("_summary=maybe")]
    [InlineData("patient:missing=perhaps")]
    [InlineData("lifecycle-status:exact=active")]
    [InlineData("_cursor=notacursor")]
    public void Malformed_values_are_a_bad_request_even_when_lenient(string parameter)
        => Assert.Throws<BadRequestException>(() => Parse("Goal", parameter));

    [Fact]
    public void Comma_separates_or_values_and_a_backslash_escapes_it()
    {
        var query = Parse("DocumentReference", @"description=a\,b,c");
        var values = query.Criteria.Single().Values.Cast<StringValue>().Select(v => v.Exact).ToArray();
        Assert.Equal(["a,b", "c"], values);
    }

    [Fact]
    public void Repetition_is_and()
        => Assert.Equal(2, Parse("Goal", "lifecycle-status=active&lifecycle-status=proposed").Criteria.Count);

    [Theory]
    [InlineData("http://loinc.org|8867-4", "http://loinc.org", "8867-4", true)]
    [InlineData("|8867-4", null, "8867-4", true)]
    [InlineData("http://loinc.org|", "http://loinc.org", null, true)]
    [InlineData("8867-4", null, "8867-4", false)]
    public void Token_values_are_split_into_system_and_code(string raw, string? system, string? code, bool systemGiven)
        => Assert.Equal(new TokenValue(system, code, systemGiven), Parse("Observation", "code=" + raw).Criteria.Single().Values.Single());

    [Fact]
    public void Date_prefixes_are_parsed_and_the_range_follows_the_precision()
    {
        var value = (DateValue)Parse("Goal", "start-date=ge2024-02").Criteria.Single().Values.Single();
        Assert.Equal(SearchPrefix.Ge, value.Prefix);
        Assert.Equal(new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), value.Range.StartMs);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() - 1, value.Range.EndMs);
    }

    [Fact]
    public void Quantity_values_carry_prefix_precision_system_and_code()
    {
        var value = (QuantityValue)Parse("Observation", "value-quantity=gt5.40|http://unitsofmeasure.org|kg").Criteria.Single().Values.Single();
        Assert.Equal(SearchPrefix.Gt, value.Prefix);
        Assert.Equal(5.395m, value.Number.Low);
        Assert.Equal(5.405m, value.Number.High);
        Assert.Equal("http://unitsofmeasure.org", value.System);
        Assert.Equal("kg", value.Code);
    }

    [Theory]
    [InlineData("patient=Patient/1", "Patient", "1", null, null)]
    [InlineData("patient=1", null, "1", null, null)]
    [InlineData("subject:Patient=1", "Patient", "1", null, null)]
    [InlineData("patient=Patient/1/_history/3", "Patient", "1", "3", null)]
    [InlineData("patient=https://ehr.example/fhir/Patient/1", null, null, null, "https://ehr.example/fhir/Patient/1")]
    public void Reference_values_are_split_into_type_id_version_and_url(string parameter, string? type, string? id, string? version, string? url)
        => Assert.Equal(new ReferenceValue(type, id, version, url), Parse("Goal", parameter).Criteria.Single().Values.Single());

    [Fact]
    public void Sort_count_total_summary_elements_and_includes_are_understood()
    {
        var query = Parse("Goal", "_sort=-start-date,_id&_count=5000&_total=accurate&_elements=id,subject&_include=Goal:patient&_revinclude:iterate=Provenance:target&_summary=true");
        Assert.Equal(["start-date", "_id"], query.Sort.Select(s => s.Parameter.Name));
        Assert.True(query.Sort[0].Descending);
        Assert.Equal(SearchQuery.MaxCount, query.Count);
        Assert.Equal(TotalMode.Accurate, query.Total);
        Assert.Equal(["id", "subject"], query.Elements);
        Assert.Equal("true", query.Summary);
        Assert.Equal(
            [new IncludeSpec("Goal", "patient", null, false, false), new IncludeSpec("Provenance", "target", null, true, true)],
            query.Includes);
    }

    [Fact]
    public void Summary_count_asks_for_the_total_only()
    {
        var query = Parse("Goal", "_summary=count");
        Assert.True(query.SummaryCount);
        Assert.Equal(0, query.Count);
    }

    [Fact]
    public void Missing_and_not_and_text_modifiers_are_parsed()
    {
        var query = Parse("Goal", "patient:missing=true&lifecycle-status:not=active&category:text=diet");
        Assert.Equal([SearchModifier.Missing, SearchModifier.Not, SearchModifier.Text], query.Criteria.Select(c => c.Modifier));
    }
}
