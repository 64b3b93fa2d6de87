using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.OpenApi;
using PatientVoice.Fhir;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Storage;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Postgres;
using PatientVoice.Storage.Sqlite;
using PatientVoice.Web.CdsHooks;
using PatientVoice.Web.Clinicians;
using PatientVoice.Application.EhrSync;
using PatientVoice.Application;
using PatientVoice.Web.FhirApi;
using PatientVoice.Web.FhirApi.Capabilities;
using PatientVoice.Web.FhirApi.Errors;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Application.Validation;
using PatientVoice.Application.Write;
using PatientVoice.Web.FhirApi.Write;
using PatientVoice.Web.Health;
using PatientVoice.Web.Invitations;
using PatientVoice.Web.Launch;
using PatientVoice.Web.Localization;
using PatientVoice.Web.Operations;
using PatientVoice.Web.Pages.Errors;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;
using PatientVoice.Web.Security;

// `backup <file>` and other operator commands run with the server's configuration and exit (docs/operations.md).
if (OperatorCommands.Handles(args))
{
    return await OperatorCommands.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
}

var builder = WebApplication.CreateBuilder(args);
// A deployment still pointing at the development sandbox does not start (docs/deploying.md).
SandboxSettingsCheck.Check(builder.Configuration, builder.Environment);

builder.Services.AddFhirConformance(options => builder.Configuration.GetSection("Conformance").Bind(options));
// The search registry knows the R4 core parameters and ours (profiles/SearchParameter-*.json).
builder.Services.AddSingleton(sp => new SearchParameterRegistry().AddDefinitions(sp.GetRequiredService<ConformancePackage>().SearchParameters));
// Storage:Provider: Sqlite (the embedded default) or Postgres (several instances sharing one database).
switch (builder.Configuration["Storage:Provider"] ?? "Sqlite")
{
    case var p when p.Equals("Postgres", StringComparison.OrdinalIgnoreCase):
        builder.Services.AddPostgresResourceStore();
        builder.Services.Configure<PostgresStoreOptions>(builder.Configuration.GetSection(PostgresStoreOptions.Section));
        break;
    case var p when p.Equals("Sqlite", StringComparison.OrdinalIgnoreCase):
        builder.Services.AddSqliteResourceStore();
        builder.Services.Configure<SqliteStoreOptions>(builder.Configuration.GetSection(SqliteStoreOptions.Section));
        break;
    case var p:
        throw new InvalidOperationException($"Storage:Provider must be Sqlite or Postgres, not '{p}'.");
}

// SIGTERM: stop taking connections, let requests in flight finish for up to Hosting:ShutdownTimeout, then stop the
// workers, which hand back the outbox messages they hold (docs/operations.md, "Graceful shutdown").
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = builder.Configuration.GetValue("Hosting:ShutdownTimeout", TimeSpan.FromSeconds(30)));
builder.Services.Configure<FhirApiOptions>(builder.Configuration.GetSection(FhirApiOptions.Section));
builder.Services.AddHostedService<StoreInitializer>();
builder.Services.AddMemoryCache(options => options.SizeLimit = 1000);
builder.Services.AddSingleton<PatientVoice.Web.FhirApi.Operations.PopulateServices>();
// The use cases every door calls (PatientVoice.Application): write, submit, transactions, the EHR write-back.
builder.Services.AddPatientVoiceApplication(builder.Configuration);
builder.Services.AddSingleton<FhirRequestBody>();
builder.Services.AddSingleton<CapabilityStatementBuilder>();
builder.Services.AddSingleton<PatientVoice.Web.FhirApi.Export.ExportKickOffServices>();
// FHIR API security: bearer JWTs from Security:Issuers (and Security:Entra), SMART scopes, audit (after the store: it wraps it).
builder.Services.AddFhirApiSecurity(builder.Configuration);
builder.Services.AddFhirBearerChallenges();
builder.Services.AddFhirApiCors();
// Clinician summary, its review actions and CDS Hooks (issue 7).
builder.Services.AddClinicians();
builder.Services.AddCdsHooks(builder.Configuration);
builder.Services.AddHealthChecks().AddCheck<ValidatorWarmHealthCheck>("validator", tags: ["ready"]).AddCheck<StoreReachableHealthCheck>("store", tags: ["ready"]);
// Pages: SMART launch and sessions (Web/Launch), error pages in the user's language (Web/Localization).
builder.Services.AddUiLocalization();
builder.Services.AddSmartLaunch(builder.Configuration);
// Every patient and clinician page opened or acted on is audited like a FHIR request (Pages/PageAuditFilter).
builder.Services.AddRazorPages().AddMvcOptions(options => options.Filters.Add<PatientVoice.Web.Pages.PageAuditFilter>());
builder.Services.AddExceptionHandler<PageExceptionHandler>();
builder.Services.AddExceptionHandler<OperationOutcomeExceptionHandler>();
builder.Services.AddProblemDetails();
// Patient pages (Pages/Patient, Patients/): Razor Pages, localization, static LHC-Forms, safety terms.
builder.Services.AddPatientPages();
// One-time links (Pages/Invite, Invitations/; the rules in Application/Invitations): rate-limited, audited (docs/adr/0029).
builder.Services.AddInvitationLinks(builder.Configuration);
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen(options => options.SwaggerDoc("v1", new OpenApiInfo
{
    Title = "PatientVoice FHIR R4 API",
    Version = "v1",
    Description = "The patient's own words (goals, condition self-knowledge, care preferences) as FHIR R4 resources. "
        + "Bodies are application/fhir+json or application/fhir+xml; every error is an OperationOutcome. "
        + "GET /fhir/metadata describes the search parameters of each type.",
}));

var app = builder.Build();

app.UseExceptionHandler();
app.UsePatientPages();
// Routing after the patient pages' static files and error pages: a status-code page re-executed for /patient must
// be routed again (with routing first, the re-executed request found no endpoint and ended in an empty 404).
app.UseRouting();
app.UseSwagger();
app.UseSwaggerUI();
app.UseSmartFraming();
app.UseRateLimiter();
// CORS for the FHIR API's endpoints only (they carry the policy; FhirApiCors): answers preflights before authentication.
app.UseCors();
app.UseCookiePolicy();
app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();
app.MapSmartSession();
app.MapFhirApi();
app.MapCdsHooks();
// Liveness: the process answers. Readiness: it can also validate without waiting and the database answers (Health/).
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

try
{
    await app.RunAsync();
}
catch (SchemaVersionException e)
{
    // A database from a newer PatientVoice: one clear line instead of a stack trace, and nothing touched.
    await Console.Error.WriteLineAsync($"PatientVoice did not start: {e.Message}");
    return OperatorCommands.Failed;
}

return 0;

/// <summary>Entry point, visible to the in-process test host.</summary>
public partial class Program;
