using System.Diagnostics;
using Microsoft.Playwright;
using Microsoft.Playwright.Helpers;

namespace PatientVoice.Testing.Portal;

/// <summary>
/// Waits until the browser is on the page a step leads to and that page has loaded: what <c>IPage.WaitForURLAsync</c>
/// promises, without its race. When the URL already matches (a click that navigates returns once the new page is
/// committed), Playwright .NET 1.64 checks whether "load" has fired and only then subscribes to the next load-state
/// event; a "load" delivered between the two (the client dispatches protocol events on another thread) is missed, and
/// the wait runs out its whole timeout on a page that has long finished loading ("NetworkIdle" event fired, never
/// "load"). CI met it twice (the review page, 2026-12-07). Here the URL is matched with Playwright's own matcher (the
/// same globs as <c>WaitForURLAsync</c>) by polling, and the page is asked for its own state
/// (<c>document.readyState</c>), which cannot be missed. A page that never comes fails saying where the browser is,
/// what has the focus and what the page shows.
/// </summary>
public static class PageArrival
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Arrives at a URL matching <paramref name="glob"/> (Playwright's glob: <c>**</c> anything, <c>*</c> anything but <c>/</c>).</summary>
    public static Task ArriveAsync(this IPage page, string glob, float timeoutMs = 30_000) =>
        ArriveAsync(page, new URLMatch { glob = glob }.Match, glob, timeoutMs);

    /// <summary>Arrives at a URL for which <paramref name="matches"/> holds; <paramref name="described"/> names it in a failure.</summary>
    public static async Task ArriveAsync(this IPage page, Func<string, bool> matches, string described, float timeoutMs = 30_000)
    {
        var clock = Stopwatch.StartNew();
        var timeout = TimeSpan.FromMilliseconds(timeoutMs);
        while (!matches(page.Url))
        {
            if (clock.Elapsed > timeout)
            {
                throw await NeverArrivedAsync(page, described, "the browser never reached it", null);
            }

            await Task.Delay(Poll);
        }

        try
        {
            var left = (float)Math.Max(1_000, (timeout - clock.Elapsed).TotalMilliseconds);
            await page.WaitForFunctionAsync("() => document.readyState === 'complete'", null, new() { Timeout = left, PollingInterval = 20 });
        }
        catch (TimeoutException e)
        {
            throw await NeverArrivedAsync(page, described, "the page never finished loading", e);
        }
    }

    private static async Task<TimeoutException> NeverArrivedAsync(IPage page, string described, string what, Exception? inner)
    {
        var focused = await Safely(() => page.EvaluateAsync<string>(
            "() => { const a = document.activeElement; return a ? `${a.tagName}#${a.id} ${(a.textContent ?? '').trim().slice(0, 80)}` : 'none'; }"), "(unknown)");
        var shown = await Safely(() => page.Locator("main").InnerTextAsync(new() { Timeout = 5_000 }), "(no main element)");
        return new TimeoutException(
            $"Waited for {described}: {what}. The browser is at {page.Url}, the focus on {focused}; the page shows:\n{shown[..Math.Min(shown.Length, 800)]}",
            inner);
    }

    private static async Task<string> Safely(Func<Task<string>> read, string otherwise)
    {
        try
        {
            return await read();
        }
        catch (PlaywrightException)
        {
            return otherwise;
        }
        catch (TimeoutException)
        {
            return otherwise;
        }
    }
}
