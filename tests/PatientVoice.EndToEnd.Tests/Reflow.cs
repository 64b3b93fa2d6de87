using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// WCAG 1.4.10 reflow and 1.4.4 resize text: nothing on the page needs scrolling sideways (the page or a region of it),
/// and no control is pushed out of the viewport or cut off by a box that hides what overflows it.
/// </summary>
internal static class Reflow
{
    private const string Check = """
        () => {
          const width = document.documentElement.clientWidth;
          const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
            + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).slice(0, 3).join('.') : '');
          const rendered = e => {
            const r = e.getBoundingClientRect();
            const s = getComputedStyle(e);
            return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
          };
          const all = [...document.querySelectorAll('body *')].filter(rendered);
          const wide = all.filter(e => e.getBoundingClientRect().right > width + 0.5)
            .slice(0, 5).map(e => describe(e) + ' right=' + Math.round(e.getBoundingClientRect().right));
          const scrolling = all.filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
            .slice(0, 5).map(e => describe(e) + ' scrolls ' + e.scrollWidth + ' px in ' + e.clientWidth);
          const controls = all.filter(e => e.matches('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"]), [role=button], [role=combobox], [role=radio], [role=checkbox]'));
          const clipped = [];
          for (const c of controls) {
            // Off-screen on purpose until it has the focus: the patient layout's skip link and the site layout's (the one-time link's pages).
            if (c.classList.contains('skip-link') || c.classList.contains('skip')) continue;
            const r = c.getBoundingClientRect();
            if (r.left < -0.5 || r.right > width + 0.5) { clipped.push(describe(c) + ' is outside the viewport'); continue; }
            for (let a = c.parentElement; a && a !== document.body; a = a.parentElement) {
              const s = getComputedStyle(a);
              const box = a.getBoundingClientRect();
              const cutX = ['hidden', 'clip'].includes(s.overflowX) && (r.left < box.left - 0.5 || r.right > box.right + 0.5);
              const cutY = ['hidden', 'clip'].includes(s.overflowY) && (r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5);
              if (cutX || cutY) { clipped.push(describe(c) + ' is cut off by ' + describe(a)); break; }
            }
          }
          return { scrollWidth: document.documentElement.scrollWidth, width, wide, scrolling, clipped: clipped.slice(0, 8) };
        }
        """;

    /// <summary>Fails with what sticks out or is cut off when <paramref name="page"/> does not fit its viewport's width.</summary>
    public static async Task AssertFitsAsync(IPage page, string name)
    {
        var layout = await page.EvaluateAsync<Layout>(Check);
        Assert.True(layout.ScrollWidth <= layout.Width && layout.Scrolling.Length == 0 && layout.Clipped.Length == 0,
            $"{name} ({page.Url}): the page is {layout.ScrollWidth} px wide in a {layout.Width} px viewport; sticking out: {string.Join(", ", layout.Wide)}; "
            + $"scrolling sideways: {string.Join(", ", layout.Scrolling)}; controls cut off: {string.Join(", ", layout.Clipped)}");
    }

    private sealed class Layout
    {
        public int ScrollWidth { get; set; }

        public int Width { get; set; }

        public string[] Wide { get; set; } = [];

        public string[] Scrolling { get; set; } = [];

        public string[] Clipped { get; set; } = [];
    }
}
