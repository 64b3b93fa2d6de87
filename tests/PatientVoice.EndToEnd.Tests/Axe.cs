using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>axe-core with the WCAG 2.2 AA rule set, its violations as readable lines.</summary>
internal static class Axe
{
    private static readonly AxeRunOptions Wcag22AA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    };

    // Every content in a landmark (axe's best-practice "region" rule, outside the WCAG tags): a screen-reader user who
    // moves by landmarks must not miss who the page is for.
    private static readonly AxeRunOptions Landmarks = new()
    {
        RunOnly = new RunOnlyOptions { Type = "rule", Values = ["region"] },
    };

    /// <summary>Each violation on <paramref name="page"/> as "name: rule: help (nodes)"; empty when there are none.</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page, string name)
    {
        // No exceptions: LHC-Forms' add button (aria-controls naming no element) is repaired by patient-form.js.
        var violations = (await page.RunAxe(Wcag22AA)).Violations.Concat((await page.RunAxe(Landmarks)).Violations);
        return violations
            .Select(v => $"{name} ({page.Url}): {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Select(n => n.Html + " [" + string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message)) + "]"))}")
            .ToList();
    }
}
