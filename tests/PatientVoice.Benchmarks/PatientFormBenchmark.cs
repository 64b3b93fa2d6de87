using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.Benchmarks;

/// <summary>
/// <c>patient-form</c>: how long a patient waits for the questionnaire, and how many bytes it costs them. The real
/// sandbox EHR and the real PatientVoice (each its own process, the build beside this program) and Debian's chromium.
/// Each run is a fresh browser context (empty cache, like a first visit): a portal launch (not timed), then the
/// questionnaire page is opened and timed in the browser itself, from navigation start until
/// <list type="bullet">
/// <item><b>first question</b>: the first frame (requestAnimationFrame, just before it is painted) in which a question's
/// field is on screen and editable, drawn by the server (<c>#pv-first</c>, ADR 0026) or by LHC-Forms;</item>
/// <item><b>ready</b>: LHC-Forms has rendered the form and our script has filled in the answers and wired autosave
/// (<c>#pv-form[data-ready=true]</c>, seen by a MutationObserver installed before the page's own scripts), and</item>
/// <item><b>interactive</b>: the later of <i>ready</i> and the end of the last long task (≥ 50 ms, the Long Tasks API)
/// that started before the main thread had been quiet for 1 s after <i>ready</i> (Lighthouse's TTI idea on loopback,
/// without its network-quiet rule, which loopback always meets).</item>
/// </list>
/// Then the same page is opened again in that context (a returning patient: LHC-Forms is cached as immutable).
/// With <c>--network fast3g --cpu-slowdown 4</c> (a slow phone, issue 16) both openings run under chromium's own
/// emulation through the devtools protocol, set after the launch (which is not timed): <c>Network.emulateNetworkConditions</c>
/// with DevTools' "Fast 3G" preset (562.5 ms round trip, 1.6 Mbit/s × 0.9 down = 180,000 B/s, 750 kbit/s × 0.9 up
/// = 84,375 B/s) and <c>Emulation.setCPUThrottlingRate</c> (the main thread N times slower).
/// Bytes are the Resource Timing <c>transferSize</c> of the document and every resource it loaded (headers included,
/// compressed as sent; 0 for what came from the cache), summed when the main thread has gone quiet.
/// </summary>
internal static class PatientFormBenchmark
{
    // Before any page script: note when the form says it is ready, and every long task.
    private const string Probe = """
        (() => {
          window.__pv = { ready: null, firstQuestion: null, longTasks: [] };
          // The first frame with a question's field on screen and editable, whoever drew it (the server's first page or LHC-Forms).
          const fields = '#pv-first textarea, #pv-first input:not([type=hidden]), #pv-form[data-ready=true] textarea, #pv-form[data-ready=true] input:not([type=hidden])';
          (function frame() {
            const field = document.querySelector(fields);
            if (field && !field.disabled && !field.readOnly && field.getClientRects().length > 0) { window.__pv.firstQuestion = performance.now(); return; }
            requestAnimationFrame(frame);
          })();
          try {
            new PerformanceObserver(list => {
              for (const e of list.getEntries()) { window.__pv.longTasks.push([e.startTime, e.startTime + e.duration]); }
            }).observe({ type: 'longtask', buffered: true });
          } catch (e) { }
          new MutationObserver((_, observer) => {
            const form = document.getElementById('pv-form');
            if (form && form.getAttribute('data-ready') === 'true') { window.__pv.ready = performance.now(); observer.disconnect(); }
          }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
        })();
        """;

    private const string Collect = """
        () => {
          const nav = performance.getEntriesByType('navigation')[0];
          const resources = performance.getEntriesByType('resource');
          return JSON.stringify({
            ready: window.__pv.ready,
            firstQuestion: window.__pv.firstQuestion,
            longTasks: window.__pv.longTasks,
            documentBytes: nav.transferSize,
            resourceBytes: resources.reduce((sum, r) => sum + r.transferSize, 0),
            decodedBytes: nav.decodedBodySize + resources.reduce((sum, r) => sum + r.decodedBodySize, 0),
            requests: resources.length + 1,
          });
        }
        """;

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var runs = args.Int("runs", 20);
        var warmup = args.Int("warmup", 3);
        var form = args.String("questionnaire") ?? "before-your-visit";
        var width = args.Int("width", 390);
        var network = args.String("network") ?? "none";
        var cpuSlowdown = args.Int("cpu-slowdown", 1);
        if (network is not ("none" or "fast3g"))
        {
            throw new ArgumentException("--network is none or fast3g");
        }

        Console.WriteLine("starting the sandbox EHR and PatientVoice (waits until the validator is warm)…");
        await using var stack = await PortalStack.StartAsync(args.ServerArguments);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        Console.WriteLine($"chromium {browser.Version}; PatientVoice at {stack.AppUrl}; questionnaire '{form}', viewport {width} px; network {network}, CPU {cpuSlowdown}× slower; {warmup} warm-up runs, {runs} measured");

        var cold = new List<Sample>();
        var returning = new List<Sample>();
        string? encoding = null;
        for (var i = 0; i < warmup + runs; i++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 844 } });
            await context.AddInitScriptAsync(Probe);
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(60_000);
            page.Response += (_, response) =>
            {
                if (response.Url.Contains("/lhc-forms.js", StringComparison.Ordinal) && response.Headers.TryGetValue("content-encoding", out var e))
                {
                    encoding = e;
                }
            };

            var launch = await stack.PortalLaunchUrlAsync("robert-chen", "robert-chen");
            await page.GotoAsync(launch.AbsoluteUri);
            await page.ArriveAsync(u => u.StartsWith(stack.AppUrl.AbsoluteUri + "patient", StringComparison.Ordinal), "PatientVoice's patient pages");

            await EmulateAsync(context, page, network, cpuSlowdown);
            var url = new Uri(stack.AppUrl, "/patient/questionnaire/" + form).AbsoluteUri;
            var first = await MeasureAsync(page, url);
            var again = await MeasureAsync(page, url);
            if (i >= warmup)
            {
                cold.Add(first);
                returning.Add(again);
            }

            Console.WriteLine(FormattableString.Invariant(
                $"{(i < warmup ? "warm-up" : "run")} {i + 1}: first visit first question {first.FirstQuestionMs:F0} ms, ready {first.ReadyMs:F0} ms, interactive {first.InteractiveMs:F0} ms ({first.LongTasks} long tasks), {first.Bytes / 1024.0:F0} KB in {first.Requests} requests; returning first question {again.FirstQuestionMs:F0} ms, ready {again.ReadyMs:F0} ms, interactive {again.InteractiveMs:F0} ms, {again.Bytes / 1024.0:F1} KB"));
        }

        Console.WriteLine();
        Console.WriteLine($"LHC-Forms script sent with content-encoding: {encoding ?? "none"}");
        Report("first visit (empty cache)", cold);
        Report("returning (cached)", returning);
        return 0;
    }

    private static async Task EmulateAsync(IBrowserContext context, IPage page, string network, int cpuSlowdown)
    {
        if (network == "none" && cpuSlowdown == 1)
        {
            return;
        }

        var cdp = await context.NewCDPSessionAsync(page);
        if (network == "fast3g")
        {
            await cdp.SendAsync("Network.enable");
            await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
            {
                ["offline"] = false,
                ["latency"] = 562.5,
                ["downloadThroughput"] = 1_600_000 / 8 * 0.9,
                ["uploadThroughput"] = 750_000 / 8 * 0.9,
            });
        }

        if (cpuSlowdown != 1)
        {
            await cdp.SendAsync("Emulation.setCPUThrottlingRate", new Dictionary<string, object> { ["rate"] = cpuSlowdown });
        }
    }

    private static async Task<Sample> MeasureAsync(IPage page, string url)
    {
        await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("#pv-form[data-ready=true]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 120_000 });

        // Interactive means a patient can act: the first field takes focus and typing.
        var field = page.Locator("#pv-form input:not([type=hidden]), #pv-form textarea").First;
        await field.FocusAsync();
        if (!await field.IsEditableAsync())
        {
            throw new InvalidOperationException("The form said it was ready but its first field cannot be edited.");
        }

        // Wait for 1 s without a long task after ready (bounded), then read what the page measured.
        var quiet = Stopwatch.StartNew();
        Measured measured;
        while (true)
        {
            measured = JsonSerializer.Deserialize<Measured>(await page.EvaluateAsync<string>(Collect), JsonSerializerOptions.Web)!;
            var lastEnd = measured.LongTasks.Count == 0 ? 0 : measured.LongTasks.Max(t => t[1]);
            var now = await page.EvaluateAsync<double>("() => performance.now()");
            if (now - Math.Max(lastEnd, measured.Ready ?? now) >= 1000 || quiet.Elapsed > TimeSpan.FromSeconds(10))
            {
                break;
            }

            await Task.Delay(100);
        }

        var ready = measured.Ready ?? throw new InvalidOperationException("The probe did not see the form become ready.");
        var firstQuestion = measured.FirstQuestion ?? throw new InvalidOperationException("The probe did not see a question's field.");
        var interactive = Math.Max(ready, measured.LongTasks.Where(t => t[0] <= ready + 1000).Select(t => t[1]).DefaultIfEmpty(0).Max());
        return new Sample(firstQuestion, ready, interactive, measured.DocumentBytes + measured.ResourceBytes, measured.DecodedBytes, measured.Requests, measured.LongTasks.Count);
    }

    private static void Report(string label, List<Sample> samples)
    {
        static string Ms(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            double At(double f) => sorted[Math.Clamp((int)Math.Ceiling(f * sorted.Length), 1, sorted.Length) - 1];
            return FormattableString.Invariant($"p50 {At(0.5):F0} ms, p95 {At(0.95):F0} ms, max {sorted[^1]:F0} ms");
        }

        Console.WriteLine($"{label} (n = {samples.Count}):");
        Console.WriteLine($"  first question: {Ms(samples.Select(s => s.FirstQuestionMs))}");
        Console.WriteLine($"  ready:       {Ms(samples.Select(s => s.ReadyMs))}");
        Console.WriteLine($"  interactive: {Ms(samples.Select(s => s.InteractiveMs))}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  transferred: {samples.Max(s => s.Bytes) / 1024.0:F1} KB at most ({samples.Max(s => s.Bytes):N0} bytes; {samples.Max(s => s.DecodedBytes) / 1024.0:F0} KB decoded), {samples.Max(s => s.Requests)} requests"));
    }

    private sealed record Sample(double FirstQuestionMs, double ReadyMs, double InteractiveMs, long Bytes, long DecodedBytes, int Requests, int LongTasks);

    private sealed record Measured(double? Ready, double? FirstQuestion, List<double[]> LongTasks, long DocumentBytes, long ResourceBytes, long DecodedBytes, int Requests);
}
