using System.Text.Json;
using PatientVoice.Web.Clinicians.Presentation;

namespace PatientVoice.Web.Tests.Clinicians;

/// <summary>What of an EHR's smart_style_url document reaches our page: only well-formed values of known keys.</summary>
public sealed class SmartStyleTests
{
    [Fact]
    public void Known_colours_lengths_and_fonts_become_css_custom_properties()
    {
        using var style = JsonDocument.Parse("""{"color_highlight":"#1d5fa8","dim_border_radius":4,"font_family_body":"system-ui, sans-serif"}""");

        var css = SmartStyle.ToCss(style.RootElement);

        Assert.StartsWith(":root{", css, StringComparison.Ordinal);
        Assert.Contains("--ehr-highlight:#1d5fa8;", css, StringComparison.Ordinal);
        Assert.Contains("--ehr-radius:4px;", css, StringComparison.Ordinal);
        Assert.Contains("--ehr-font-body:system-ui, sans-serif;", css, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"color_highlight":"red;}body{display:none"}""")]
    [InlineData("""{"color_text":"</style><script>alert(1)</script>"}""")]
    [InlineData("""{"font_family_body":"x;background:url(https://evil.example/)"}""")]
    [InlineData("""{"unknown_key":"#ffffff"}""")]
    [InlineData("""["#ffffff"]""")]
    public void Anything_that_could_break_out_of_a_value_or_is_not_known_is_dropped(string json)
    {
        using var style = JsonDocument.Parse(json);

        Assert.Equal(string.Empty, SmartStyle.ToCss(style.RootElement));
    }
}
