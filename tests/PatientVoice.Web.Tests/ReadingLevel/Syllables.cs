namespace PatientVoice.Web.Tests.ReadingLevel;

/// <summary>
/// Small syllable counters, one per language: good enough for a readability formula (which averages over many words),
/// not a hyphenation dictionary.
/// </summary>
public static class Syllables
{
    /// <summary>
    /// English: groups of vowels (a e i o u y) in the word, less a silent final "e" ("make"; not "table", "be"),
    /// less a silent "-ed" after a consonant other than t/d ("talked"; not "wanted"), and "-es" after a letter that does
    /// not hiss ("makes"; not "changes"); at least one.
    /// </summary>
    public static int English(string word)
    {
        var w = word.ToLowerInvariant();
        var count = 0;
        var inVowels = false;
        foreach (var c in w)
        {
            var vowel = c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';
            if (vowel && !inVowels)
            {
                count++;
            }

            inVowels = vowel;
        }

        if (w.Length > 2 && w.EndsWith('e') && !IsEnglishVowel(w[^2]) && !(w.EndsWith("le", StringComparison.Ordinal) && !IsEnglishVowel(w[^3])))
        {
            count--;
        }
        else if (w.Length > 3 && w.EndsWith("ed", StringComparison.Ordinal) && !IsEnglishVowel(w[^3]) && w[^3] is not ('t' or 'd'))
        {
            count--;
        }
        else if (w.Length > 3 && w.EndsWith("es", StringComparison.Ordinal) && !IsEnglishVowel(w[^3]) && w[^3] is not ('s' or 'x' or 'z' or 'c' or 'g' or 'h'))
        {
            count--;
        }

        return Math.Max(1, count);
    }

    /// <summary>
    /// Spanish: each group of vowels is one syllable per strong vowel in it (a, e, o, and an accented í or ú, which
    /// breaks a diphthong: "dí-a"); unaccented i, u, ü only join the strong vowel beside them ("cui-da-do", "bien");
    /// a group of weak vowels alone is one ("muy", "ciu-dad"). A final "y" after a vowel belongs to its diphthong ("hoy").
    /// </summary>
    public static int Spanish(string word)
    {
        var w = word.ToLowerInvariant();
        var count = 0;
        var i = 0;
        while (i < w.Length)
        {
            if (!IsSpanishVowel(w, i))
            {
                i++;
                continue;
            }

            var strong = 0;
            while (i < w.Length && IsSpanishVowel(w, i))
            {
                if (w[i] is 'a' or 'e' or 'o' or 'á' or 'é' or 'ó' or 'í' or 'ú')
                {
                    strong++;
                }

                i++;
            }

            count += Math.Max(1, strong);
        }

        return Math.Max(1, count);
    }

    private static bool IsEnglishVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';

    // "y" is a vowel only at the end of a word after a vowel ("hoy", "muy") or as the word "y"; elsewhere a consonant ("yo", "ayuda").
    private static bool IsSpanishVowel(string w, int i)
        => w[i] switch
        {
            'a' or 'e' or 'i' or 'o' or 'u' or 'á' or 'é' or 'í' or 'ó' or 'ú' or 'ü' => true,
            'y' => i == w.Length - 1 && (w.Length == 1 || "aeiouáéíóú".Contains(w[i - 1], StringComparison.Ordinal)),
            _ => false,
        };
}
