using System.Text;

namespace PatientVoice.Storage.Indexing;

/// <summary>
/// How string values are compared by default: lower case, diacritics removed, whitespace collapsed.
/// The app runs with InvariantGlobalization, where string.Normalize cannot decompose, so Latin letters with
/// diacritics (U+00C0 to U+024F) are folded by a table generated from Unicode decompositions.
/// </summary>
public static class SearchText
{
    private const int TableStart = 0xC0;

    private const string Folded = "aaaaaa\u00e6ceeeeiiii\u00f0nooooo\u00d7\u00f8uuuuy\u00fe\u00dfaaaaaa\u00e6ceeeeiiii\u00f0nooooo\u00f7\u00f8uuuuy\u00feyaaaaaaccccccccdd\u0111\u0111eeeeeeeeeegggggggghh\u0127\u0127iiiiiiiii\u0131\u0133\u0133jjkk\u0138llllll\u0140\u0140\u0142\u0142nnnnnn\u0149\u014b\u014boooooo\u0153\u0153rrrrrrsssssssstttt\u0167\u0167uuuuuuuuuuuuwwyyyzzzzzz\u017f\u0180\u0253\u0183\u0183\u0185\u0185\u0254\u0188\u0188\u0256\u0257\u018c\u018c\u018d\u01dd\u0259\u025b\u0192\u0192\u0260\u0263\u0195\u0269\u0268\u0199\u0199\u019a\u019b\u026f\u0272\u019e\u0275oo\u01a3\u01a3\u01a5\u01a5\u0280\u01a8\u01a8\u0283\u01aa\u01ab\u01ad\u01ad\u0288uu\u028a\u028b\u01b4\u01b4\u01b6\u01b6\u0292\u01b9\u01b9\u01ba\u01bb\u01bd\u01bd\u01be\u01bf\u01c0\u01c1\u01c2\u01c3\u01c6\u01c6\u01c6\u01c9\u01c9\u01c9\u01cc\u01cc\u01ccaaiioouuuuuuuuuu\u01ddaaaa\u00e6\u00e6\u01e5\u01e5ggkkoooo\u0292\u0292j\u01f3\u01f3\u01f3gg\u0195\u01bfnnaa\u00e6\u00e6\u00f8\u00f8aaaaeeeeiiiioooorrrruuuusstt\u021d\u021dhh\u019e\u0221\u0223\u0223\u0225\u0225aaeeooooooooyy\u0234\u0235\u0236\u0237\u0238\u0239\u2c65\u023c\u023c\u019a\u2c66\u023f\u0240\u0242\u0242\u0180\u0289\u028c\u0247\u0247\u0249\u0249\u024b\u024b\u024d\u024d\u024f\u024f";

    public static string Normalize(string value)
    {
        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value)
        {
            if (c is >= '\u0300' and <= '\u036f')
            {
                continue; // a combining mark
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c >= TableStart && c < TableStart + Folded.Length ? Folded[c - TableStart] : char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
