using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PatientVoice.Application.Submit;

/// <summary>
/// The reviewed list of words that suggest danger (Patients/safety-terms.json, embedded): free text that
/// contains one shows the "get help now" message at once (in the browser, wwwroot/js/safety.js, with the same
/// list and the same folding) and flags the submission for the care team (<see cref="ReviewFlag"/>).
/// </summary>
public sealed class SafetyTerms
{
    private readonly Regex _pattern;

    public SafetyTerms(IReadOnlyDictionary<string, IReadOnlyList<string>> terms)
    {
        Terms = terms;
        var alternatives = terms.Values.SelectMany(t => t).Select(Fold).Distinct(StringComparer.Ordinal)
            .OrderByDescending(t => t.Length).Select(Regex.Escape);
        // No match timeout: the pattern is our own list of literal words (escaped) between two one-character
        // look-arounds, so a match costs at most the text's length times the longest term, whatever a patient types.
        // A wall-clock limit adds no protection to such a pattern and fails on a machine that is only busy: a thread
        // descheduled for a second mid-match threw RegexMatchTimeoutException, and the submission answered 500. Measured
        // with the old pattern and its 1 s limit, 64 threads matching an ordinary answer on this 2-core machine at load
        // average 39-54 (a full test run beside it): 159 timeouts in 1.26 million matches in 60 s.
        _pattern = new Regex(@"(?<![a-z0-9])(?:" + string.Join('|', alternatives) + @")(?![a-z0-9])", RegexOptions.CultureInvariant | RegexOptions.Compiled, Regex.InfiniteMatchTimeout);
    }

    /// <summary>Every term by language (<c>en</c>, <c>es</c>), as written in the file.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Terms { get; }

    /// <summary>The list shipped with PatientVoice.</summary>
    public static SafetyTerms Load()
    {
        using var stream = typeof(SafetyTerms).Assembly.GetManifestResourceStream("PatientVoice.Application.Submit.safety-terms.json")
            ?? throw new InvalidOperationException("The safety terms (Submit/safety-terms.json in PatientVoice.Application) are not embedded in PatientVoice.Application.");
        using var document = JsonDocument.Parse(stream);
        var terms = document.RootElement.GetProperty("terms").EnumerateObject()
            .ToDictionary(p => p.Name, p => (IReadOnlyList<string>)p.Value.EnumerateArray().Select(v => v.GetString()!).ToList(), StringComparer.Ordinal);
        return new SafetyTerms(terms);
    }

    /// <summary>True when <paramref name="text"/> contains one of the terms as whole words.</summary>
    public bool Matches(string? text) => !string.IsNullOrWhiteSpace(text) && _pattern.IsMatch(Fold(text));

    /// <summary>Lower case, accents dropped (á → a, ñ → n), curly apostrophes straightened: what both sides compare.</summary>
    public static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            var folded = c switch
            {
                'á' or 'à' or 'â' or 'ä' => 'a',
                'é' or 'è' or 'ê' or 'ë' => 'e',
                'í' or 'ì' or 'î' or 'ï' => 'i',
                'ó' or 'ò' or 'ô' or 'ö' => 'o',
                'ú' or 'ù' or 'û' or 'ü' => 'u',
                'ñ' => 'n',
                'ç' => 'c',
                '\u2019' or '\u2018' or '`' => '\'',
                _ when char.IsWhiteSpace(c) => ' ',
                _ => c,
            };

            // Runs of white space become one space.
            if (folded != ' ' || builder.Length == 0 || builder[^1] != ' ')
            {
                builder.Append(folded);
            }
        }

        return builder.ToString();
    }
}
