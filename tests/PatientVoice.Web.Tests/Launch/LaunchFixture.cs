using System.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Testing;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Tests.Launch;

/// <summary>
/// PatientVoice in process on a real Kestrel port (so its server-side requests to the EHR are real HTTP and the
/// tests can reach into its services and clock), and the sandbox EHR as its own process (it has its own
/// <c>Program</c>), each on a fresh data folder. Configured EHRs: <c>sandbox</c> (the default) and <c>offline</c>,
/// a FHIR base on a port nobody listens on.
/// </summary>
public class LaunchFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly ScratchDirectory _data = new();
    private readonly int _port = FreePort.Next();
    private SandboxProcess? _sandbox;

    public Uri AppUrl => new($"http://127.0.0.1:{_port}");

    /// <summary>The sandbox's <c>Sandbox:Profile</c>: <c>open</c> here, <c>strict</c> in <see cref="StrictLaunchFixture"/>.</summary>
    public virtual string Profile => "open";

    /// <summary>The read permission PatientVoice asks this sandbox for: v2 <c>rs</c> (open), v1 <c>read</c> (strict).</summary>
    public string Read => Profile == "strict" ? "read" : "rs";

    /// <summary>More sandbox configuration (<see cref="ContextlessLaunchFixture"/>).</summary>
    protected virtual IReadOnlyList<string> ExtraSandboxArguments => [];

    internal SandboxProcess Sandbox => _sandbox ?? throw new InvalidOperationException("Not started.");

    internal AdjustableClock Clock { get; } = new();

    public string OfflineFhirBase { get; } = $"http://127.0.0.1:{FreePort.Next()}/fhir";

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxProcess.StartAsync(new SandboxSettings { AppUrl = AppUrl.AbsoluteUri.TrimEnd('/'), ExtraArguments = ["--Sandbox:Profile=" + Profile, .. ExtraSandboxArguments] });
        UseKestrel(_port);
        StartServer();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Sqlite:Path", Path.Combine(_data.Path, "patientvoice.db"));
        builder.UseSetting("Export:Folder", Path.Combine(_data.Path, "export"));
        foreach (var (key, value) in TestTokens.ServerSettings(FhirServerFixture.Audience))
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Smart:Ehrs:0:Name", "sandbox");
        builder.UseSetting("Smart:Ehrs:0:FhirBaseUrl", Sandbox.FhirBase);
        builder.UseSetting("Smart:Ehrs:0:ClientId", "patientvoice");
        builder.UseSetting("Smart:Ehrs:0:ClientSecret", "patientvoice-sandbox-secret");
        builder.UseSetting("Smart:Ehrs:0:ClientAuthentication", "client_secret_basic");
        builder.UseSetting("Smart:Ehrs:1:Name", "offline");
        builder.UseSetting("Smart:Ehrs:1:FhirBaseUrl", OfflineFhirBase);
        builder.UseSetting("Smart:Ehrs:1:ClientId", "patientvoice");
        builder.UseSetting("Smart:Ehrs:1:ClientAuthentication", "none");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            // The real EHR client, wrapped to record what the pages read (EhrReadScopeTests).
            services.AddSingleton<EhrFhirClient>();
            services.AddSingleton(sp => new RecordingEhrClient(sp.GetRequiredService<EhrFhirClient>()));
            services.AddSingleton<IEhrFhirClient>(sp => sp.GetRequiredService<RecordingEhrClient>());
        });
        // Every log record, to check what the server writes about patients (ids and outcomes, never their words).
        builder.ConfigureServices(services => services.AddFakeLogging());
    }

    /// <summary><c>GET {path}</c> on PatientVoice: for a launch, the redirect to the EHR's authorize endpoint.</summary>
    internal Task<HttpResponseMessage> OpenAsync(TestBrowser browser, string pathAndQuery, string accept = "text/html")
        => browser.GetAsync(new Uri(AppUrl, pathAndQuery).AbsoluteUri, accept);

    /// <summary>
    /// The user's part at the EHR: follows the authorize redirect, signed in as <paramref name="user"/> through the
    /// sandbox's test login (consent given); returns the URL the EHR sends the browser back to.
    /// </summary>
    internal static async Task<Uri> SignInAtEhrAsync(TestBrowser browser, Uri authorize, string user)
    {
        using var response = await browser.GetAsync(authorize.AbsoluteUri + "&sandbox_user=" + HttpUtility.UrlEncode(user));
        return response.RedirectLocation();
    }

    /// <summary>A whole launch from <paramref name="pathAndQuery"/> to the answer of <c>/signin-smart</c>.</summary>
    internal async Task<HttpResponseMessage> LaunchAsync(TestBrowser browser, string pathAndQuery, string user)
    {
        using var start = await OpenAsync(browser, pathAndQuery);
        var callback = await SignInAtEhrAsync(browser, start.RedirectLocation(), user);
        Assert.StartsWith(new Uri(AppUrl, "/signin-smart").AbsoluteUri, callback.AbsoluteUri, StringComparison.Ordinal);
        return await browser.GetAsync(callback.AbsoluteUri);
    }

    internal async Task<string> EhrLaunchAsync(object context) => await Sandbox.CreateLaunchAsync(context);

    /// <summary>The log records written so far (Microsoft.Extensions.Diagnostics.Testing).</summary>
    internal Microsoft.Extensions.Logging.Testing.FakeLogCollector Logs => Services.GetFakeLogCollector();

    internal string Iss => HttpUtility.UrlEncode(Sandbox.FhirBase);

    /// <summary>Every read and search the pages have asked of the EHR so far.</summary>
    internal IReadOnlyList<EhrRead> EhrReads => Services.GetRequiredService<RecordingEhrClient>().Reads;
}

[CollectionDefinition(Name)]
public sealed class LaunchCollection : ICollectionFixture<LaunchFixture>
{
    public const string Name = "PatientVoice and the sandbox EHR";
}

/// <summary>The same, against the sandbox's <c>strict</c> profile: a cautious production EHR.</summary>
public sealed class StrictLaunchFixture : LaunchFixture
{
    public override string Profile => "strict";
}

[CollectionDefinition(Name)]
public sealed class StrictLaunchCollection : ICollectionFixture<StrictLaunchFixture>
{
    public const string Name = "PatientVoice and the strict sandbox EHR";
}

/// <summary>The same, against a sandbox that leaves <c>patient</c> and <c>fhirUser</c> out of its token responses (Sandbox:OmitLaunchContext).</summary>
public sealed class ContextlessLaunchFixture : LaunchFixture
{
    protected override IReadOnlyList<string> ExtraSandboxArguments => ["--Sandbox:OmitLaunchContext:0=patient", "--Sandbox:OmitLaunchContext:1=fhirUser"];
}

[CollectionDefinition(Name)]
public sealed class ContextlessLaunchCollection : ICollectionFixture<ContextlessLaunchFixture>
{
    public const string Name = "PatientVoice and a sandbox EHR that grants no patient or fhirUser";
}
