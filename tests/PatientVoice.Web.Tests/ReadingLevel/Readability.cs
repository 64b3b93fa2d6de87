using System.Text.RegularExpressions;

namespace PatientVoice.Web.Tests.ReadingLevel;

/// <summary>Words, sentences and syllables of a text, and the US school grade a standard formula gives it.</summary>
public sealed partial record Readability(int Words, int Sentences, int Syllables)
{
    /// <summary>
    /// Flesch–Kincaid grade level (Kincaid et al., 1975), for English:
    /// 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷ words) − 15.59.
    /// </summary>
    public double FleschKincaidGrade => (0.39 * Words / Sentences) + (11.8 * Syllables / Words) - 15.59;

    /// <summary>
    /// Crawford's grade level for Spanish (Crawford, 1984): −0.205 × (sentences per 100 words) + 0.049 × (syllables per
    /// 100 words) − 3.407, in US school years (written for primary-school reading, grades 1–6).
    /// </summary>
    public double CrawfordGrade => (-0.205 * 100.0 * Sentences / Words) + (0.049 * 100.0 * Syllables / Words) - 3.407;

    public double Grade(string language) => language == "es" ? CrawfordGrade : FleschKincaidGrade;

    public static Readability Of(string text, string language) => Of([text], language);

    /// <summary>Several texts measured together (a corpus): each text ends at least one sentence.</summary>
    public static Readability Of(IEnumerable<string> texts, string language)
    {
        int words = 0, sentences = 0, syllables = 0;
        foreach (var text in texts)
        {
            var clean = Placeholder().Replace(text, " ");
            var inText = 0;
            foreach (var sentence in SentenceEnd().Split(clean))
            {
                var found = Word().Matches(sentence).Select(m => m.Value).ToList();
                if (found.Count == 0)
                {
                    continue;
                }

                inText++;
                words += found.Count;
                syllables += found.Sum(w => language == "es" ? ReadingLevel.Syllables.Spanish(w) : ReadingLevel.Syllables.English(w));
            }

            sentences += inText;
        }

        return new Readability(words, Math.Max(1, sentences), syllables);
    }

    // {0}, {1}: a name or a date filled in at run time; not words of ours.
    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex Placeholder();

    // A sentence ends at . ! ? … or a colon followed by space; "e.g." is not used in our texts.
    [GeneratedRegex(@"[.!?…]+(\s|$)|:\s")]
    private static partial Regex SentenceEnd();

    // A word is a run of letters (with inner apostrophes or hyphens: "don't", "check-up"); numbers such as 988 or 911 are not words.
    [GeneratedRegex(@"\p{L}+(['’-]\p{L}+)*")]
    private static partial Regex Word();
}
