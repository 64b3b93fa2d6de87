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

    /// <summary>
    /// Violations inside LHC-Forms (npm lforms 40.1.3) that our pages cannot fix, each one rule on one kind of
    /// element and nothing else: the "+ add another" button of a repeating group carries
    /// <c>aria-controls="add-button-{id}"</c>, an id no element has (its popover is <c>add-content-{id}</c>;
    /// checked in lhc-forms.js). The button itself is named and works by keyboard.
    /// </summary>
    private static readonly (string Rule, string Html)[] LhcFormsDefects =
    [
        ("aria-valid-attr-value", "class=\"lhc-float-button lhc-button"),
    ];

    /// <summary>Each violation on <paramref name="page"/> as "name: rule: help (nodes)"; empty when there are none.</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page, string name)
    {
        var result = await page.RunAxe(Wcag22AA);
        return result.Violations
            .Select(v => (v, Nodes: v.Nodes.Where(n => !LhcFormsDefects.Any(d => d.Rule == v.Id && n.Html.Contains(d.Html, StringComparison.Ordinal))).ToList()))
            .Where(x => x.Nodes.Count > 0)
            .Select(x => $"{name} ({page.Url}): {x.v.Id}: {x.v.Help} — {string.Join(" | ", x.Nodes.Select(n => n.Html + " [" + string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message)) + "]"))}")
            .ToList();
    }
}
