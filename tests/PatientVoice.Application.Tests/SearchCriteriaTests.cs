using PatientVoice.Application.Write;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Tests;

public sealed class SearchCriteriaTests
{
    [Theory]
    [InlineData("identifier=http%3A%2F%2Fx.org%7Cabc", "identifier", "http://x.org|abc")]
    [InlineData("?name=Jos%C3%A9+Mar%C3%ADa", "name", "José María")]
    [InlineData("identifier=http://x.org|a%2Bb", "identifier", "http://x.org|a+b")]
    [InlineData("flag", "flag", "")]
    public void A_condition_in_url_form_reads_as_its_search_parameters(string query, string name, string value)
        => Assert.Equal([new KeyValuePair<string, string>(name, value)], SearchCriteria.Parse(query));

    [Fact]
    public void Repeated_parameters_keep_their_order()
        => Assert.Equal(["a=1", "b=2", "a=3"], SearchCriteria.Parse("a=1&b=2&a=3").Select(p => $"{p.Key}={p.Value}"));

    [Theory]
    [InlineData("W/\"3\"", 3)]
    [InlineData("\"12\"", 12)]
    [InlineData("", null)]
    public void A_version_etag_names_its_version(string value, int? version) => Assert.Equal(version, VersionTag.Parse(value, "If-Match"));

    [Theory]
    [InlineData("W/\"x\"")]
    [InlineData("0")]
    public void A_malformed_etag_is_a_bad_request(string value) => Assert.Throws<BadRequestException>(() => VersionTag.Parse(value, "If-Match"));
}
