using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>Moving through a page with Tab alone, checking at every stop that the focus can be seen (WCAG 2.4.7).</summary>
internal static class FocusWalk
{
    // The focused element, whether something shows it, and where the indicator is drawn. An input drawn by a styled
    // wrapper (a radio or checkbox hidden under its picture) shows its focus on the nearest ancestor that is seen.
    private const string Current = """
        () => {
          const e = document.activeElement;
          const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : '')
            + (el.getAttribute('aria-label') ? '[' + el.getAttribute('aria-label').slice(0, 30) + ']' : '')
            + ' ' + (el.value || el.textContent || '').trim().slice(0, 30);
          const seen = el => {
            for (let x = el; x; x = x.parentElement) {
              const s = getComputedStyle(x);
              if (s.opacity === '0' || s.visibility === 'hidden' || s.display === 'none') return false;
            }
            const r = el.getBoundingClientRect();
            return r.width >= 4 && r.height >= 4;
          };
          const shows = el => {
            const s = getComputedStyle(el);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !/rgba\(.*,\s*0\)$|transparent/.test(s.outlineColor);
            return outline || (s.boxShadow && s.boxShadow !== 'none');
          };
          let drawn = e;
          while (drawn && drawn !== document.body && !seen(drawn)) drawn = drawn.parentElement;
          const visible = !!drawn && drawn !== document.body && shows(drawn);
          return { matched: false, name: describe(e), visible, drawnOn: drawn && drawn !== e ? describe(drawn) : '' };
        }
        """;

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/>, checking each stop shows its focus.</summary>
    public static async Task TabToAsync(IPage page, string selector, int maxStops = 60)
    {
        var stops = new List<string>();
        for (var i = 0; i < maxStops; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            await AssertVisibleAsync(page, stops);
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return;
            }
        }

        Assert.Fail($"Tab never reached {selector}; it went: {string.Join(" → ", stops)}");
    }

    /// <summary>Fails unless the element that has the focus now shows it; records the stop in <paramref name="stops"/>.</summary>
    public static async Task<string> AssertVisibleAsync(IPage page, List<string>? stops = null)
    {
        var focus = await page.EvaluateAsync<Focus>(Current);
        var name = focus.Name + (focus.DrawnOn.Length > 0 ? " (drawn as " + focus.DrawnOn + ")" : "");
        stops?.Add(name);
        Assert.True(focus.Visible, $"No visible focus indicator on {name} at {page.Url}; the way here: {string.Join(" → ", stops ?? [])}");
        return name;
    }

    private sealed class Focus
    {
        public string Name { get; set; } = "";

        public bool Visible { get; set; }

        public string DrawnOn { get; set; } = "";
    }
}
