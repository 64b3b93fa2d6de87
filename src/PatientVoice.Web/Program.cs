using Microsoft.OpenApi;
using PatientVoice.Storage;
using PatientVoice.Storage.Sqlite;
using PatientVoice.Web.FhirApi;
using PatientVoice.Web.FhirApi.Capabilities;
using PatientVoice.Web.FhirApi.Errors;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Web.FhirApi.Write;
using PatientVoice.Web.Security;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSqliteResourceStore();
builder.Services.Configure<SqliteStoreOptions>(builder.Configuration.GetSection(SqliteStoreOptions.Section));
builder.Services.Configure<FhirApiOptions>(builder.Configuration.GetSection(FhirApiOptions.Section));
builder.Services.AddHostedService<StoreInitializer>();
builder.Services.AddSingleton<FhirRequestBody>();
builder.Services.AddSingleton<ResourceWriter>();
builder.Services.AddSingleton<CapabilityStatementBuilder>();
builder.Services.AddSingleton<IFhirAccessPolicy, OpenAccessPolicy>();
builder.Services.AddExceptionHandler<OperationOutcomeExceptionHandler>();
builder.Services.AddProblemDetails();
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
app.UseSwagger();
app.UseSwaggerUI();
app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();
app.MapFhirApi();

await app.RunAsync();

/// <summary>Entry point, visible to the in-process test host.</summary>
public partial class Program;
