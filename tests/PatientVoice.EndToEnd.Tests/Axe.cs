using System.Runtime.CompilerServices;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// axe-core with the WCAG 2.2 AA rule set (target size included), run while the page's own Content-Security-Policy is in
/// force: axe is evaluated through the devtools protocol (Playwright's evaluate), which the policy does not govern, in a
/// context that does not bypass the policy; every run proves the policy was there and blocking, or fails.
/// </summary>
internal static class Axe
{
    private static readonly Lazy<string> Source = new(() => new BundledAxeScriptProvider().GetScript());

    // The WCAG 2.0–2.2 A and AA tags; "target-size" (wcag22aa, 2.5.8) named as well so that it runs whatever axe's defaults.
    private const string Wcag22AA = """{ "runOnly": { "type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] }, "rules": { "target-size": { "enabled": true } }, "resultTypes": ["violations"] }""";

    // Every content in a landmark (axe's best-practice "region" rule, outside the WCAG tags): a screen-reader user who
    // moves by landmarks must not miss who the page is for.
    private const string Landmarks = """{ "runOnly": { "type": "rule", "values": ["region"] }, "resultTypes": ["violations"] }""";

    // The policy header of each page's current document, as the browser received it.
    private static readonly ConditionalWeakTable<IPage, StrongBox<string?>> Policies = new();

    // An inline script the policy must refuse: it must not run, and the page must report a script-src violation.
    private const string InlineScriptProbe = """
        () => new Promise(resolve => {
          window.__pvInlineRan = false;
          let violation = null;
          const listen = e => { if (e.violatedDirective.startsWith('script-src')) violation = e.violatedDirective; };
          document.addEventListener('securitypolicyviolation', listen);
          const script = document.createElement('script');
          script.textContent = 'window.__pvInlineRan = true;';
          document.head.appendChild(script);
          script.remove();
          setTimeout(() => {
            document.removeEventListener('securitypolicyviolation', listen);
            resolve({ ran: window.__pvInlineRan === true, violation });
          }, 100);
        })
        """;

    /// <summary>Starts recording the Content-Security-Policy of every document <paramref name="page"/> loads.</summary>
    public static void Watch(IPage page)
    {
        var box = Policies.GetValue(page, _ => new StrongBox<string?>());
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "document" && response.Frame == page.MainFrame)
            {
                box.Value = response.Headers.TryGetValue("content-security-policy", out var policy) ? policy : null;
            }
        };
    }

    /// <summary>
    /// Each violation on <paramref name="page"/> as "name: rule: help (nodes)"; empty when there are none. Fails when
    /// the page's document came without a Content-Security-Policy or the policy did not block an inline script.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page, string name)
    {
        var result = await RunAsync(page, name, Wcag22AA);
        var landmarks = await RunAsync(page, name, Landmarks);
        return result.Violations.Concat(landmarks.Violations)
            .Select(v => $"{name} ({page.Url}): {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Select(n => n.Html + " [" + n.FailureSummary + "]"))}")
            .ToList();
    }

    /// <summary>The rules that ran in the WCAG 2.2 AA run (passes, violations, incomplete and inapplicable), under the proven policy.</summary>
    public static async Task<IReadOnlyList<string>> RulesRunAsync(IPage page, string name)
    {
        var json = await RunRawAsync(page, name, Wcag22AA.Replace("\"resultTypes\": [\"violations\"]", "\"resultTypes\": [\"violations\", \"passes\", \"incomplete\", \"inapplicable\"]", StringComparison.Ordinal));
        using var document = JsonDocument.Parse(json);
        return new[] { "violations", "passes", "incomplete", "inapplicable" }
            .SelectMany(kind => document.RootElement.GetProperty(kind).EnumerateArray().Select(r => r.GetProperty("id").GetString()!))
            .ToList();
    }

    private static async Task<AxeRun> RunAsync(IPage page, string name, string options)
        => JsonSerializer.Deserialize<AxeRun>(await RunRawAsync(page, name, options), JsonOptions)!;

    private static async Task<string> RunRawAsync(IPage page, string name, string options)
    {
        var policy = Policies.TryGetValue(page, out var box) ? box.Value : null;
        if (string.IsNullOrEmpty(policy) || !policy.Contains("script-src", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{name} ({page.Url}): the page came without a Content-Security-Policy with script-src (got: {policy ?? "none"}); axe must run under the page's real policy.");
        }

        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(Source.Value);
        }

        var json = await page.EvaluateAsync<string>("async options => JSON.stringify(await window.axe.run(document, JSON.parse(options)))", options);

        // The same document, straight after the run: the policy refuses inline script, so it was in force while axe ran
        // (a page cannot loosen its policy once loaded; a browser context with bypassCSP would let the script run).
        var probe = await page.EvaluateAsync<JsonElement>(InlineScriptProbe);
        if (probe.GetProperty("ran").GetBoolean() || probe.GetProperty("violation").ValueKind != JsonValueKind.String)
        {
            throw new InvalidOperationException($"{name} ({page.Url}): the Content-Security-Policy was not enforced while axe ran (inline script ran: {probe.GetProperty("ran").GetBoolean()}, violation reported: {probe.GetProperty("violation")}).");
        }

        return json;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private sealed record AxeRun(IReadOnlyList<AxeRule> Violations);

    private sealed record AxeRule(string Id, string Help, IReadOnlyList<AxeNode> Nodes);

    private sealed record AxeNode(string Html, string? FailureSummary);
}
