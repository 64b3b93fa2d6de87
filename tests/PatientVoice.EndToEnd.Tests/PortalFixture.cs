using System.Collections.Concurrent;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>One sandbox EHR, one PatientVoice and one chromium for the whole run; each test gets its own browser context.</summary>
public sealed class PortalFixture : IAsyncLifetime
{
    private PortalStack? _stack;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly ConcurrentDictionary<IPage, ConcurrentQueue<string>> _logs = new();
    private readonly SemaphoreSlim _sharedLock = new(1, 1);
    private IPage? _shared;

    internal PortalStack Stack => _stack ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _stack = await PortalStack.StartAsync();
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        _sharedLock.Dispose();
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    /// <summary>
    /// A fresh browser context (no cookies), phone-sized unless told otherwise, speaking <paramref name="locale"/>;
    /// <paramref name="scale"/> device pixels per CSS pixel (2 with a 640 px wide viewport is a 1280 px screen at 200 % zoom);
    /// in the IANA time zone <paramref name="timezoneId"/> (the machine's when null).
    /// </summary>
    public async Task<IPage> NewPageAsync(string locale = "en-US", int width = 390, int height = 844, float scale = 1, string? timezoneId = null)
    {
        // Never BypassCSP: the pages are checked (axe included) under their own Content-Security-Policy.
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = locale,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            DeviceScaleFactor = scale,
            TimezoneId = timezoneId,
        });
        var page = await context.NewPageAsync();
        Axe.Watch(page);
        page.SetDefaultTimeout(20_000);
        var log = _logs.GetOrAdd(page, _ => new ConcurrentQueue<string>());
        page.Console += (_, message) => log.Enqueue($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => log.Enqueue("page error: " + error);
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                log.Enqueue($"HTTP {response.Status} {response.Url}");
            }
        };
        return page;
    }

    /// <summary>
    /// The same signed-in session as <paramref name="signedIn"/> (its cookies) in a new browser context that runs no
    /// JavaScript at all, as a browser with script turned off; the policy stays in force.
    /// </summary>
    public async Task<IPage> WithoutScriptAsync(IPage signedIn, string locale = "en-US")
    {
        var state = await signedIn.Context.StorageStateAsync();
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            StorageState = state,
            JavaScriptEnabled = false,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }

    /// <summary>
    /// A browser context that ignores the pages' Content-Security-Policy (Playwright's BypassCSP): only for proving that
    /// the accessibility check notices; every other page here keeps the policy.
    /// </summary>
    public Task<IBrowserContext> NewBypassingContextAsync() => _browser!.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });

    /// <summary>Waits until LHC-Forms has rendered the questionnaire; on timeout, fails with what the browser logged (CSP reports included).</summary>
    public async Task FormReadyAsync(IPage page)
    {
        try
        {
            await page.WaitForSelectorAsync("#pv-form[data-ready=true]", new() { Timeout = 30_000, State = WaitForSelectorState.Attached });
        }
        catch (TimeoutException)
        {
            var state = await page.EvaluateAsync<string>("() => document.getElementById('pv-save-state')?.textContent + ' | LForms: ' + typeof window.LForms + ' | ' + (document.getElementById('pv-form')?.outerHTML ?? 'no form').slice(0, 300)");
            throw new TimeoutException($"The form did not render at {page.Url}: {state}\nThe browser said:\n" + string.Join('\n', BrowserLog(page)));
        }
    }

    /// <summary>Sends the reviewed answers and waits for the confirmation; on failure, says what the page showed instead.</summary>
    public async Task SendAsync(IPage page)
    {
        await page.ClickAsync("#pv-send");
        try
        {
            await page.ArriveAsync("**/sent**");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No confirmation; at {page.Url}: {await page.InnerTextAsync("main")}\n" + string.Join('\n', BrowserLog(page)));
        }
    }

    /// <summary>What the page logged to its console, and its uncaught errors.</summary>
    public IReadOnlyList<string> BrowserLog(IPage page) => _logs.TryGetValue(page, out var log) ? log.ToList() : [];

    /// <summary>
    /// One portal launch for Robert Chen, made on first use and shared by the page-level checks (accessibility,
    /// small screens, keyboard, safety message) so they pay for one launch. Each use starts in English on his home page.
    /// </summary>
    public async Task<IPage> SharedPatientPageAsync()
    {
        await _sharedLock.WaitAsync();
        try
        {
            _shared ??= await LaunchAsync("robert-chen", "robert-chen");
        }
        finally
        {
            _sharedLock.Release();
        }

        await _shared.SetViewportSizeAsync(390, 844);
        await _shared.GotoAsync(new Uri(Stack.AppUrl, "/patient/language?culture=en&returnUrl=/patient").AbsoluteUri);
        return _shared;
    }

    /// <summary>
    /// Opens PatientVoice from the portal for <paramref name="patient"/>, signed in as <paramref name="user"/> (the
    /// launch naming <paramref name="fhirContext"/>, if given); returns on the first patient page.
    /// </summary>
    public async Task<IPage> LaunchAsync(string patient, string user, string locale = "en-US", int width = 390, int height = 844, float scale = 1, string? fhirContext = null, string? timezoneId = null)
    {
        var page = await NewPageAsync(locale, width, height, scale, timezoneId);
        var url = await Stack.PortalLaunchUrlAsync(patient, user, fhirContext);
        await page.GotoAsync(url.AbsoluteUri);
        await page.ArriveAsync(u => u.StartsWith(Stack.AppUrl.AbsoluteUri + "patient", StringComparison.Ordinal), "PatientVoice's patient pages");
        return page;
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "The sandbox EHR, PatientVoice and chromium";
}
