using Microsoft.Playwright;
using PatientVoice.Testing;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests.Fhirclient;

/// <summary>
/// The sandbox EHR (its own process; Development: any client id registers as a public client) with the profile
/// <see cref="Profile"/>, the fhirclient test app on another origin, and chromium.
/// </summary>
public class FhirclientFixture : IAsyncLifetime
{
    private SandboxProcess? _sandbox;
    private FhirclientApp? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The sandbox's <c>Sandbox:Profile</c>: <c>open</c> here, <c>strict</c> in <see cref="StrictFhirclientFixture"/>.</summary>
    public virtual string Profile => "open";

    internal SandboxProcess Sandbox => _sandbox ?? throw new InvalidOperationException("Not started.");

    internal Uri AppUrl => (_app ?? throw new InvalidOperationException("Not started.")).BaseAddress;

    public async Task InitializeAsync()
    {
        _app = await FhirclientApp.StartAsync();
        _sandbox = await SandboxProcess.StartAsync(new SandboxSettings { ExtraArguments = ["--Sandbox:Profile=" + Profile] });
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await _browser!.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }
}

/// <summary>The same against the sandbox's <c>strict</c> profile (a cautious production EHR: v1 scopes, five-minute tokens, single-use launches).</summary>
public sealed class StrictFhirclientFixture : FhirclientFixture
{
    public override string Profile => "strict";
}

[CollectionDefinition(Name)]
public sealed class FhirclientCollection : ICollectionFixture<FhirclientFixture>
{
    public const string Name = "fhirclient against the open sandbox";
}

[CollectionDefinition(Name)]
public sealed class StrictFhirclientCollection : ICollectionFixture<StrictFhirclientFixture>
{
    public const string Name = "fhirclient against the strict sandbox";
}
