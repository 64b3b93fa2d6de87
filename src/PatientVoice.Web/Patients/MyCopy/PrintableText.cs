using System.Globalization;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Fonts;

namespace PatientVoice.Web.Patients.MyCopy;

/// <summary>
/// A patient's words as the PDF's font can show them, never a failure: line breaks kept, invisible characters
/// (controls, joiners, variation selectors) dropped, other spaces made plain, a letter the font lacks shown as its
/// base letter when it has one, and anything else (emoji, scripts the font does not cover) as one mark (□) per
/// run, so a reader sees that something was there.
/// </summary>
internal static class PrintableText
{
    public static string For(string? text, XFont font)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var replacement = Has(font, '\u25A1') ? "\u25A1" : "?";
        var result = new StringBuilder(text.Length);
        var replaced = false;
        foreach (var rune in text.ReplaceLineEndings("\n").Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            var shown = Show(rune, font);
            if (shown is null)
            {
                if (!replaced)
                {
                    result.Append(replacement);
                }

                replaced = true;
                continue;
            }

            // Something invisible (a joiner inside an emoji sequence) keeps the run of replaced characters going.
            if (shown.Length > 0)
            {
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

        if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            || IsVariationSelector(rune.Value))
        {
            return "";
        }

        if (Has(font, rune.Value))
        {
            return rune.ToString();
        }

        // A letter with a mark the font has no composed glyph for: its base letter (the mark is dropped).
        var decomposed = rune.ToString().Normalize(NormalizationForm.FormD);
        if (decomposed.Length > 0 && Rune.DecodeFromUtf16(decomposed, out var first, out _) == System.Buffers.OperationStatus.Done
            && first != rune && Has(font, first.Value) && Rune.IsLetterOrDigit(first))
        {
            return first.ToString();
        }

        return null;
    }

    private static bool IsVariationSelector(int value) => value is (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);

    private static bool Has(XFont font, int codePoint) => GlyphHelper.GlyphIndexFromCodePoint(codePoint, font) != 0;
}
