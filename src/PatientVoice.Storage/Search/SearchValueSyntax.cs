using System.Text;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Storage.Search;

/// <summary>The escaping rules of FHIR search values: <c>,</c> separates OR values, <c>|</c> token parts, <c>\</c> escapes.</summary>
internal static class SearchValueSyntax
{
    private static readonly (string Text, SearchPrefix Prefix)[] Prefixes =
    [
        ("eq", SearchPrefix.Eq), ("ne", SearchPrefix.Ne), ("gt", SearchPrefix.Gt), ("lt", SearchPrefix.Lt), ("ge", SearchPrefix.Ge),
        ("le", SearchPrefix.Le), ("sa", SearchPrefix.Sa), ("eb", SearchPrefix.Eb), ("ap", SearchPrefix.Ap),
    ];

    /// <summary>Splits on unescaped commas; the parts keep their other escapes.</summary>
    public static IReadOnlyList<string> SplitOr(string value) => Split(value, ',', unescape: false).Where(v => v.Length > 0).ToArray();

    /// <summary>Splits on unescaped pipes and unescapes the parts.</summary>
    public static IReadOnlyList<string> SplitPipe(string value) => Split(value, '|', unescape: true);

    public static string Unescape(string value) => Split(value, '\0', unescape: true)[0];

    public static (SearchPrefix Prefix, string Value) SplitPrefix(string value, string parameterName)
    {
        if (value.Length >= 2 && char.IsAsciiLetterLower(value[0]) && char.IsAsciiLetterLower(value[1]))
        {
            foreach (var (text, prefix) in Prefixes)
            {
                if (value.StartsWith(text, StringComparison.Ordinal))
                {
                    return (prefix, value[2..]);
                }
            }

            throw new BadRequestException($"Search parameter '{parameterName}': unknown prefix '{value[..2]}' (expected eq, ne, gt, lt, ge, le, sa, eb or ap).", parameterName);
        }

        return (SearchPrefix.Eq, value);
    }

    private static List<string> Split(string value, char separator, bool unescape)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length && value[i + 1] is ',' or '|' or '$' or '\\')
            {
                if (!unescape)
                {
                    current.Append(c);
                }

                current.Append(value[++i]);
                continue;
            }

            if (c == separator)
            {
                parts.Add(current.ToString());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        parts.Add(current.ToString());
        return parts;
    }
}
