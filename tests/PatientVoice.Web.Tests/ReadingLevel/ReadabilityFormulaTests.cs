namespace PatientVoice.Web.Tests.ReadingLevel;

/// <summary>The syllable counters and the two grade formulas on words and sentences whose answers are known.</summary>
public sealed class ReadabilityFormulaTests
{
    [Theory]
    [InlineData("cat", 1)]
    [InlineData("make", 1)]
    [InlineData("table", 2)]
    [InlineData("be", 1)]
    [InlineData("wanted", 2)]
    [InlineData("talked", 1)]
    [InlineData("changes", 2)]
    [InlineData("makes", 1)]
    [InlineData("religion", 3)]
    [InlineData("clinician", 3)]
    [InlineData("beautiful", 3)]
    [InlineData("accessibility", 6)]
    public void English_syllables(string word, int syllables) => Assert.Equal(syllables, Syllables.English(word));

    [Theory]
    [InlineData("día", 2)]
    [InlineData("país", 2)]
    [InlineData("cuidado", 3)]
    [InlineData("bien", 1)]
    [InlineData("ciudad", 2)]
    [InlineData("muy", 1)]
    [InlineData("hoy", 1)]
    [InlineData("y", 1)]
    [InlineData("ayuda", 3)]
    [InlineData("preocupa", 4)]
    [InlineData("guerra", 2)]
    [InlineData("atención", 3)]
    public void Spanish_syllables(string word, int syllables) => Assert.Equal(syllables, Syllables.Spanish(word));

    [Fact]
    public void Flesch_Kincaid_of_a_sentence_of_one_syllable_words_is_below_first_grade()
    {
        // 6 words, 1 sentence, 6 syllables: 0.39 × 6 + 11.8 × 1 − 15.59 = −1.45.
        var score = Readability.Of("The cat sat on the mat.", "en");

        Assert.Equal(new Readability(6, 1, 6), score);
        Assert.Equal(-1.45, score.FleschKincaidGrade, 2);
    }

    [Fact]
    public void Crawford_counts_sentences_and_syllables_per_hundred_words()
    {
        // "Me gusta hablar con usted.": 5 words, 1 sentence, me 1 + gus-ta 2 + ha-blar 2 + con 1 + us-ted 2 = 8 syllables:
        // −0.205 × 20 + 0.049 × 160 − 3.407 = 0.333.
        var score = Readability.Of("Me gusta hablar con usted.", "es");

        Assert.Equal(new Readability(5, 1, 8), score);
        Assert.Equal(0.333, score.CrawfordGrade, 3);
    }

    [Theory]
    [InlineData("en", "Documented informed consent is required before administration of intravenous medications.")]
    [InlineData("es", "La administración de medicamentos intravenosos requiere un consentimiento informado y documentado previamente.")]
    public void Clinical_jargon_reads_above_grade_6_in_both_languages(string language, string text)
        => Assert.True(Readability.Of(text, language).Grade(language) > ReadingLevelTests.MaximumGrade);

    [Fact]
    public void Placeholders_and_numbers_are_not_words_and_a_colon_ends_a_sentence()
    {
        // "Call" | "is here now": 4 words, 2 sentences, 4 syllables.
        Assert.Equal(new Readability(4, 2, 4), Readability.Of("Call 911: {0} is here now.", "en"));
    }
}
