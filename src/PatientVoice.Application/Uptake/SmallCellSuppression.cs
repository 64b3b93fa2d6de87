namespace PatientVoice.Application.Uptake;

/// <summary>
/// Small-cell suppression (docs/adr/0031): a count from 1 to <see cref="Threshold"/> is never shown ("&lt;11"), and
/// no hidden count can be recovered by subtraction. Every published line "cells = total" (a week's categories and the
/// week's total, a category's weeks and the category's total, …) is a constraint; while a constraint holds exactly one
/// hidden member, the smallest shown member of it is hidden as well (complementary suppression), non-zero cells before
/// zeros and cells before totals. Cells shared by several tables (a week's total appears in every breakdown) have one
/// key, so they are hidden everywhere or nowhere. Zero is shown: it identifies nobody.
/// </summary>
public static class SmallCellSuppression
{
    /// <summary>Counts up to this (from 1) are hidden.</summary>
    public const int Threshold = 10;

    /// <summary>What a hidden count is shown as.</summary>
    public const string Shown = "<11";

    /// <summary>Whether a count is hidden on its own (before complementary suppression).</summary>
    public static bool IsSmall(int count) => count is > 0 and <= Threshold;

    /// <summary>
    /// The keys of the cells to hide: the small ones, then complements until no constraint has exactly one hidden
    /// member. <paramref name="constraints"/> list the keys of each line's members; the first is the line's total.
    /// </summary>
    public static IReadOnlySet<string> Hidden(IReadOnlyDictionary<string, int> counts, IReadOnlyList<IReadOnlyList<string>> constraints)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(constraints);
        var hidden = counts.Where(c => IsSmall(c.Value)).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        bool changed;
        do
        {
            changed = false;
            foreach (var line in constraints)
            {
                if (line.Count(hidden.Contains) != 1)
                {
                    continue;
                }

                // A line of one member and its total (e.g. a single category): both are the same number, so the
                // hidden one is only safe when the other is hidden too — which the rule does, as for any line.
                var complement = line
                    .Select((key, index) => (Key: key, IsTotal: index == 0))
                    .Where(m => !hidden.Contains(m.Key))
                    .OrderBy(m => counts[m.Key] == 0 ? 1 : 0)
                    .ThenBy(m => m.IsTotal ? 1 : 0)
                    .ThenBy(m => counts[m.Key])
                    .ThenBy(m => m.Key, StringComparer.Ordinal)
                    .Select(m => m.Key)
                    .FirstOrDefault();
                if (complement is not null && hidden.Add(complement))
                {
                    changed = true;
                }
            }
        }
        while (changed);

        return hidden;
    }
}
