using Microsoft.Playwright;
using PatientVoice.Testing;
using PatientVoice.Testing.Portal;

namespace PatientVoice.Benchmarks;

/// <summary>
/// <c>screenshots</c>: the README's pictures, taken from the real thing. The sandbox EHR and PatientVoice (the stack the
/// browser tests and the benchmarks use, configured as the one command configures them) and Debian's chromium:
/// a patient (James Okafor, synthetic) opens PatientVoice from the portal on a 320 px wide screen, writes a goal, checks
/// and sends it; then a clinician (Dr. Priya Patel) opens the clinic list and, from it, James's page at 1280 px.
/// PNGs into <c>docs/screenshots/</c> (or <c>--out</c>).
/// </summary>
internal static class ReadmeScreenshots
{
    // A first run on a cold machine waits for the validator and LHC-Forms; the pages get two minutes, not the default.
    private const float Patience = 120_000;

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var output = args.String("out") ?? Path.Combine(RepositoryPaths.Root, "docs", "screenshots");
        Directory.CreateDirectory(output);

        Console.WriteLine("starting the sandbox EHR and PatientVoice (waits until the validator is warm)…");
        await using var stack = await PortalStack.StartAsync(args.ServerArguments);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        await using (var phone = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 320, Height = 640 }, Locale = "en-US" }))
        {
            var page = await phone.NewPageAsync();
            page.SetDefaultTimeout(120_000);
            await page.GotoAsync((await stack.PortalLaunchUrlAsync("james-okafor", "james-okafor")).AbsoluteUri);
            await page.ArriveAsync(u => u.StartsWith(stack.AppUrl.AbsoluteUri + "patient", StringComparison.Ordinal), "PatientVoice's patient pages", Patience);
            await page.Locator("#pv-visit").WaitForAsync();
            await ShotAsync(page, output, "patient-1-home.png");

            await page.GotoAsync(new Uri(stack.AppUrl, "/patient/questionnaire/my-goals").AbsoluteUri);
            await page.WaitForSelectorAsync("#pv-form[data-ready=true]", new() { State = WaitForSelectorState.Attached });
            await page.GetByLabel("What is your goal? Use your own words.").First.FillAsync("Walk to the market on Saturdays without stopping to rest");
            await page.Locator("#pv-form textarea[id^='goal-why/']").First.FillAsync("I want to choose my own vegetables and see my friends there.");
            await Assertions.Expect(page.Locator("#pv-save-state")).ToContainTextAsync("Saved", new() { Timeout = 30_000 });
            await ShotAsync(page, output, "patient-2-form.png");

            await page.ClickAsync("#pv-review");
            await page.ArriveAsync("**/review", Patience);
            await ShotAsync(page, output, "patient-3-review.png");

            await page.ClickAsync("#pv-send");
            await page.ArriveAsync("**/sent**", Patience);
            await ShotAsync(page, output, "patient-4-sent.png");
        }

        await using (var desk = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, Locale = "en-US" }))
        {
            var page = await desk.NewPageAsync();
            page.SetDefaultTimeout(120_000);
            var launch = await stack.PortalLaunchUrlAsync("james-okafor", "dr-patel");
            await page.GotoAsync(launch.AbsoluteUri.Replace("/launch?", "/launch/clinician?", StringComparison.Ordinal));
            await page.ArriveAsync("**/clinician", Patience);
            await page.GotoAsync(new Uri(stack.AppUrl, "/clinician/clinic?all=true").AbsoluteUri);
            await ShotAsync(page, output, "clinician-1-clinic-list.png");

            await page.Locator("main a[href^='/clinician?patient=']", new() { HasTextString = "James" }).First.ClickAsync();
            await page.ArriveAsync("**/clinician?patient=**", Patience);
            await ShotAsync(page, output, "clinician-2-patient.png");
        }

        return 0;
    }

    private static async Task ShotAsync(IPage page, string folder, string name)
    {
        var path = Path.Combine(folder, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        Console.WriteLine($"{path}: {new FileInfo(path).Length / 1024.0:F0} KB");
    }
}
