using System.Globalization;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Fonts;

namespace PatientVoice.Web.Patients.MyCopy;

/// <summary>
/// A patient's words as the PDF's font can show them, never a failure: line breaks kept; invisible characters
/// (controls, joiners, variation selectors) dropped; other spaces made plain; an accent typed as a separate mark
/// joined to its letter where Latin-1 has the pair (e + ◌́ → é: the app runs with invariant globalization, so
/// string.Normalize does not compose) and otherwise kept if the font has it, dropped if not (the letter stays);
/// anything else the font lacks (emoji, scripts it does not cover) shown as one mark (□) per run, so a reader sees
/// that something was there.
/// </summary>
internal static class PrintableText
{
    private static readonly Dictionary<(char Letter, char Mark), char> Compositions = Composed(
        ('\u0300', "AÀEÈIÌOÒUÙaàeèiìoòuù"),
        ('\u0301', "AÁEÉIÍOÓUÚYÝaáeéiíoóuúyý"),
        ('\u0302', "AÂEÊIÎOÔUÛaâeêiîoôuû"),
        ('\u0303', "AÃNÑOÕaãnñoõ"),
        ('\u0308', "AÄEËIÏOÖUÜaäeëiïoöuüyÿ"),
        ('\u0327', "CÇcç"));

    public static string For(string? text, XFont font)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var replacement = Has(font, '\u25A1') ? "\u25A1" : "?";
        var result = new StringBuilder(text.Length);
        var replaced = false;
        // EnumerateRunes turns a lone surrogate into U+FFFD, which the font lacks: it becomes the mark too.
        foreach (var rune in text.ReplaceLineEndings("\n").EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark && !IsVariationSelector(rune.Value))
            {
                if (result.Length > 0 && rune.IsBmp && Compositions.TryGetValue((result[^1], (char)rune.Value), out var composed))
                {
                    result[^1] = composed;
                }
                else if (Has(font, rune.Value) && result.Length > 0 && !replaced)
                {
                    result.Append(rune.ToString());
                }

                continue;
            }

            var shown = Show(rune, font);
            if (shown is null)
            {
                if (!replaced)
                {
                    result.Append(replacement);
                }

                replaced = true;
            }
            else if (shown.Length > 0)
            {
                // Something invisible (a joiner inside an emoji sequence) keeps a run of replaced characters going.
                replaced = false;
                result.Append(shown);
            }
        }

        return result.ToString();
    }

    /// <summary>What to write for <paramref name="rune"/>: itself, a stand-in, "" (nothing), or null (the replacement mark).</summary>
    private static string? Show(Rune rune, XFont font)
    {
        if (rune.Value is '\n' or 0x2028 or 0x2029)
        {
            return "\n";
        }

        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.SpaceSeparator || rune.Value == '\t')
        {
            // A no-break space stays one (the layout does not break there); every other width of space is a space.
            return rune.Value == 0x00A0 && Has(font, 0x00A0) ? "\u00A0" : " ";
        }

        if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse || IsVariationSelector(rune.Value))
        {
            return "";
        }

        // Printable ASCII is in every font; the rest is looked up in this one.
        return rune.Value is >= 0x20 and < 0x7F || Has(font, rune.Value) ? rune.ToString() : null;
    }

    private static bool IsVariationSelector(int value) => value is (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);

    private static bool Has(XFont font, int codePoint) => GlyphHelper.GlyphIndexFromCodePoint(codePoint, font) != 0;

    private static Dictionary<(char, char), char> Composed(params (char Mark, string Pairs)[] marks)
    {
        var table = new Dictionary<(char, char), char>();
        foreach (var (mark, pairs) in marks)
        {
            for (var i = 0; i + 1 < pairs.Length; i += 2)
            {
                table[(pairs[i], mark)] = pairs[i + 1];
            }
        }

        return table;
    }
}
