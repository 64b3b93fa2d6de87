using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using PatientVoice.Sandbox;
using PatientVoice.Sandbox.Authorization;
using PatientVoice.Sandbox.Ehr;
using PatientVoice.Sandbox.Seeding;
using PatientVoice.Sandbox.Chart;
using PatientVoice.Sandbox.Faults;
using PatientVoice.Sandbox.CdsHooks;
using PatientVoice.Sandbox.Keys;
using PatientVoice.Sandbox.Launcher;
using PatientVoice.Sandbox.Messages;
using PatientVoice.Sandbox.PatientVoiceApp;
using PatientVoice.Sandbox.Subscriber;
using PatientVoice.Sandbox.Users;
using PatientVoice.Storage;
using PatientVoice.Storage.Indexing;

var builder = WebApplication.CreateBuilder(args);
var sandbox = builder.Configuration.GetSection(SandboxOptions.Section).Get<SandboxOptions>() ?? new SandboxOptions();
builder.Services.Configure<SandboxOptions>(builder.Configuration.GetSection(SandboxOptions.Section));
if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null)
{
    builder.WebHost.UseUrls(sandbox.EhrUrl);
}

SandboxProfiles.Validate(sandbox.Profile);
if (sandbox.OmitLaunchContext.FirstOrDefault(c => !SandboxOptions.OmittableLaunchContext.Contains(c, StringComparer.Ordinal)) is { } unknownContext)
{
    throw new InvalidOperationException($"Sandbox:OmitLaunchContext may name {string.Join(" and ", SandboxOptions.OmittableLaunchContext)}, not '{unknownContext}'.");
}

Directory.CreateDirectory(sandbox.DataDirectory);

// The EHR's record: PatientVoice.Storage's SQLite store, indexing the EHR's resource types.
builder.Services.AddSingleton(_ => new SearchParameterRegistry(EhrResourceTypes.All));
builder.Services.AddSqliteResourceStore(o => o.Path = Path.Combine(sandbox.DataDirectory, "sandbox-ehr.db"));
builder.Services.AddHostedService<EhrSeeder>();
builder.Services.AddSingleton<SandboxUserDirectory>();
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton<EhrFaultSwitch>();
builder.Services.Configure<EhrWriteRules>(builder.Configuration.GetSection(SandboxOptions.Section));
builder.Services.AddSingleton<PatientChartReader>();
builder.Services.AddSingleton<LaunchContextStore>();
builder.Services.AddSingleton<ClientAssertionReplayCache>();
builder.Services.AddSingleton<UserSessions>();
builder.Services.AddSingleton<RemoteClientJwks>();
builder.Services.AddHttpClient(RemoteClientJwks.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
builder.Services.AddDiscoveryCors();
// Key pairs kept in the data folder (CDS Hooks signing; PatientVoice's write-back client), and the one command:
// PatientVoice as a child process configured against this EHR (Sandbox:StartPatientVoice).
builder.Services.AddSingleton<SandboxKeys>();
builder.Services.AddHostedService<PatientVoiceProcess>();
// The launcher and the CDS Hooks client of the chart (patient-view, signed JWTs, Sandbox:CdsServices).
builder.Services.AddSingleton<EhrLaunches>();
builder.Services.AddSingleton<CdsHooksSigner>();
builder.Services.AddSingleton<PrefetchResolver>();
builder.Services.AddSingleton<CdsHooksClient>();
builder.Services.AddSingleton<CdsFhirAuthorization>();
builder.Services.AddHttpClient(CdsFhirAuthorization.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
builder.Services.AddHttpClient(CdsHooksClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
// The EHR as a subscriber to PatientVoice's notifications (Sandbox:SubscribeToPatientVoice): open charts refresh.
builder.Services.AddSingleton<PatientVoiceActivity>();
builder.Services.AddSingleton<PatientVoiceApi>();
builder.Services.AddSingleton<ClinicOutbox>();
builder.Services.AddSingleton<PatientVoiceInvitations>();
builder.Services.AddHttpClient(PatientVoiceApi.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
builder.Services.AddHostedService<PatientVoiceSubscriber>();
builder.Services.AddExceptionHandler<EhrOperationOutcomeHandler>();
builder.Services.AddProblemDetails();

// The SMART authorization server: OpenIddict with its EF Core stores on a SQLite file (docs/adr/0005).
builder.Services.AddDbContext<SandboxAuthorizationDbContext>(o =>
{
    o.UseSqlite($"Data Source={Path.Combine(sandbox.DataDirectory, "sandbox-auth.db")}");
    o.UseOpenIddict();
});
builder.Services.AddOpenIddict()
    .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<SandboxAuthorizationDbContext>())
    .AddServer(o =>
    {
        o.SetIssuer(new Uri(sandbox.EhrUrl.TrimEnd('/') + "/"));
        o.SetAuthorizationEndpointUris("connect/authorize")
            .SetTokenEndpointUris("connect/token")
            .SetIntrospectionEndpointUris("connect/introspect")
            .SetRevocationEndpointUris("connect/revoke");
        o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().RequireProofKeyForCodeExchange();
        // SMART Backend Services: client_credentials, the client authenticated by private_key_jwt against its JWKS.
        o.AllowClientCredentialsFlow();
        // CDS Hooks fhirAuthorization: the EHR's own grant for registered CDS services (CdsHooks/CdsFhirAuthorization).
        o.AllowCustomFlow(CdsFhirAuthorization.GrantType);
        o.AddEventHandler(SmartAssertionType.AcceptJwtDescriptor);
        o.AddEventHandler(SmartAssertionType.MarkAsClientAssertionDescriptor);
        o.AddEventHandler(ClientAssertionPolicy.Descriptor);
        o.AddEventHandler(ClientJwksByUrl.Descriptor);
        // SMART online_access: a refresh token valid while the user's session lives (UserSessions).
        o.AddEventHandler(OnlineAccessRefreshTokens.Descriptor);
        o.AddEventHandler(SmartIntrospectionClaims.Descriptor);
        // A public client may refresh without client_id (RFC 6749 §6; npm fhirclient does): that case only.
        o.AddEventHandler(PublicClientRefresh.Descriptor);

        o.SetAccessTokenLifetime(sandbox.EffectiveAccessTokenLifetime);
        // SMART 2.2: S256 only; OpenIddict also accepts plain unless told otherwise.
        o.Configure(options => options.CodeChallengeMethods.Remove(OpenIddictConstants.CodeChallengeMethods.Plain));
        o.RegisterScopes([.. SmartScopes.All]);
        o.IgnoreScopePermissions();
        // Keys live as long as the process: the sandbox's tokens do not survive a restart (ADR 0005).
        o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
        // Resource servers (PatientVoice) validate the access tokens themselves, against the JWKS.
        o.DisableAccessTokenEncryption();
        o.AddEventHandler(AnyClientRegistration.Descriptor);
        o.UseAspNetCore()
            .EnableAuthorizationEndpointPassthrough()
            .EnableTokenEndpointPassthrough()
            .DisableTransportSecurityRequirement();
    })
    .AddValidation(o =>
    {
        o.UseLocalServer();
        o.AddAudiences(sandbox.FhirBase);
        o.UseAspNetCore();
    });
builder.Services.AddHostedService<ClientRegistration>();
builder.Services.AddAuthentication()
    .AddCookie(AuthorizeEndpoint.LoginScheme, o =>
    {
        o.LoginPath = "/login";
        o.Cookie.Name = "sandbox-login";
    });
builder.Services.AddAuthorization();
builder.Services.AddRazorPages();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStaticFiles();
app.UseRouting();
app.UseDiscoveryCors();
app.MapEhrFaults();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/fhir/.well-known/smart-configuration", SmartConfigurationEndpoint.Handle).AllowAnonymous();
app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeEndpoint.HandleAsync).DisableAntiforgery();
app.MapPost("/connect/token", TokenEndpoint.HandleAsync).DisableAntiforgery();
app.MapPost("/sandbox/launches", LaunchEndpoints.Create).DisableAntiforgery();
app.MapSessionEndpoints();
app.MapCdsHooksJwks();
app.MapPatientVoiceNotifications();
app.MapGet("/smart-style.json", () => Results.Json(new { color_background = "#f6f7f9", color_highlight = "#1d5fa8", font_family_base = "system-ui, sans-serif" }));
app.MapEhrFhir(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
app.MapRazorPages();

await app.RunAsync();

/// <summary>Entry point, visible to the in-process test host.</summary>
public partial class Program;
