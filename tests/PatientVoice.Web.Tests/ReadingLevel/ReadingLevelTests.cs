using System.Globalization;

namespace PatientVoice.Web.Tests.ReadingLevel;

/// <summary>
/// Patient-facing text at US school grade 6 or below (issue 16), measured with a standard formula and our own syllable
/// counter (<see cref="Syllables"/>): Flesch–Kincaid grade for English
/// (0.39 × words/sentences + 11.8 × syllables/words − 15.59), Crawford's grade for Spanish
/// (−0.205 × sentences per 100 words + 0.049 × syllables per 100 words − 3.407). Thresholds, all ≤ 6.0:
/// <list type="bullet">
/// <item>each text unit (one phrase of a page, one item text, help text or answer option of a questionnaire) with at
/// least <see cref="MinimumWords"/> words; shorter labels ("Accessibility needs") give the formulas too few words to
/// mean anything on their own, so they count only in the two measures below;</item>
/// <item>each source as a whole, per language (the English patient phrases, each questionnaire in English and in Spanish);</item>
/// <item>everything a patient reads in one language, all sources together.</item>
/// </list>
/// </summary>
public sealed class ReadingLevelTests
{
    public const double MaximumGrade = 6.0;
    public const int MinimumWords = 10;

    public static TheoryData<string> Languages() => new("en", "es");

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_patient_text_of_ten_words_or_more_reads_at_grade_6_or_below(string language)
    {
        var tooHard = PatientTextCorpus.All()
            .Where(u => u.Language == language)
            .Select(u => (Unit: u, Score: Readability.Of(u.Text, language)))
            .Where(s => s.Score.Words >= MinimumWords && s.Score.Grade(language) > MaximumGrade)
            .Select(s => $"{s.Unit.Source} {s.Unit.Key}: grade {Format(s.Score.Grade(language))} — {s.Unit.Text}")
            .ToList();

        Assert.True(tooHard.Count == 0, $"{tooHard.Count} texts read above grade {MaximumGrade}:\n" + string.Join("\n", tooHard));
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Each_page_catalogue_and_questionnaire_as_a_whole_reads_at_grade_6_or_below(string language)
    {
        var sources = PatientTextCorpus.All().Where(u => u.Language == language).GroupBy(u => u.Source).ToList();
        Assert.Equal(7, sources.Count); // the patient pages' phrases, our four questionnaires, the launch pages and the layout
        var tooHard = sources
            .Select(g => (Source: g.Key, Score: Readability.Of(g.Select(u => u.Text), language)))
            .Where(s => s.Score.Grade(language) > MaximumGrade)
            .Select(s => $"{s.Source}: grade {Format(s.Score.Grade(language))} ({s.Score.Words} words)")
            .ToList();

        Assert.True(tooHard.Count == 0, string.Join("\n", tooHard));
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Everything_a_patient_reads_in_one_language_reads_at_grade_6_or_below(string language)
    {
        var units = PatientTextCorpus.All().Where(u => u.Language == language).Select(u => u.Text).ToList();
        var score = Readability.Of(units, language);

        Assert.True(score.Words > 1000, $"only {score.Words} words found in {language}: the corpus is not being read");
        Assert.True(score.Grade(language) <= MaximumGrade, $"{language}: grade {Format(score.Grade(language))} over {score.Words} words");
    }

    private static string Format(double grade) => grade.ToString("0.0", CultureInfo.InvariantCulture);
}
