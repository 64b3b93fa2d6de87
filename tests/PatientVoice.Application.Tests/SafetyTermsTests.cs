using PatientVoice.Application.Submit;

namespace PatientVoice.Application.Tests;

/// <summary>The server's side of the safety terms (the browser has the same list and folding in wwwroot/js/safety.js).</summary>
public sealed class SafetyTermsTests
{
    private static readonly SafetyTerms Shipped = SafetyTerms.Load();

    [Theory]
    [InlineData("Some days I want to die.")]
    [InlineData("some days I WANT  TO\n\n   DIE")] // line breaks and runs of spaces inside a phrase
    [InlineData("I think about how to kill\tmyself")]
    [InlineData("Ya no quiero vivir, quiero morír")] // accents folded
    [InlineData("a veces quiero\r\n morir")]
    [InlineData("I wish I’m... no: I wish I were dead")] // curly apostrophes and punctuation around the phrase
    public void A_term_is_found_however_the_words_are_spaced_accented_or_cased(string text)
        => Assert.True(Shipped.Matches(text));

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    [InlineData("I walk my dog every morning and want to diet")] // whole words only
    [InlineData("asuicide")]
    [InlineData("want to\nsee my grandchildren, not die young")]
    public void Words_that_only_contain_or_scatter_a_term_do_not_match(string text)
        => Assert.False(Shipped.Matches(text));

    [Fact]
    public void A_long_answer_is_checked_whole()
    {
        // The longest free text the API accepts is far shorter; the term at the very end is still found.
        var text = string.Concat(Enumerable.Repeat("My knees hurt on the stairs and I rest often.  ", 20_000)) + "Better off dead.";
        Assert.True(Shipped.Matches(text));
        Assert.False(Shipped.Matches(text[..^"Better off dead.".Length]));
    }

    [Theory]
    [InlineData("  Ánimo  \t y\n\nÑandú ", " animo y nandu ")]
    [InlineData("it’s", "it's")]
    public void Folding_lowers_drops_accents_straightens_apostrophes_and_joins_white_space(string text, string folded)
        => Assert.Equal(folded, SafetyTerms.Fold(text));
}
