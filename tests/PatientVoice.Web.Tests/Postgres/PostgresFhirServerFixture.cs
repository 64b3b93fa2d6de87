using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Fhir.Validation;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Postgres;

/// <summary>
/// Two PatientVoice instances (in-process web hosts, each with its own store, connection pool and caches)
/// sharing one fresh database on the test run's throwaway PostgreSQL server, as two stateless instances behind
/// a load balancer would. They share only the warm validator, which holds no data, to spare a second warm-up.
/// </summary>
public sealed class PostgresFhirServerFixture : IAsyncLifetime
{
    private PostgresInstance? _first;
    private PostgresInstance? _second;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The export folder both instances share (as a network volume would in a deployment).</summary>
    public string ExportFolder { get; } = Directory.CreateTempSubdirectory("patientvoice-pg-export-").FullName;

    public PostgresInstance First => _first ?? throw new InvalidOperationException("Not initialized.");

    public PostgresInstance Second => _second ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.SharedAsync();
        ConnectionString = await server.CreateDatabaseAsync("web");
        _first = new PostgresInstance(ConnectionString, null, ExportFolder);
        _ = _first.Server;
        _second = new PostgresInstance(ConnectionString, _first.Services.GetRequiredService<ProfileValidator>(), ExportFolder);
        _ = _second.Server;
        await _first.Services.GetRequiredService<ProfileValidator>().WarmUpAsync();
    }

    public async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        if (_first is not null)
        {
            await _first.DisposeAsync();
        }

        Directory.Delete(ExportFolder, recursive: true);
    }
}

/// <summary>
/// One PatientVoice host on PostgreSQL (<c>Storage:Provider=Postgres</c>); <paramref name="services"/> adds test services
/// (e.g. recording write checks).
/// </summary>
public sealed class PostgresInstance(string connectionString, ProfileValidator? sharedValidator, string? exportFolder = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public HttpClient CreateFhirClient()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost/fhir/") });
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FhirServerFixture.Token(TestTokens.AllAccess));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Provider", "Postgres");
        builder.UseSetting("Storage:Postgres:ConnectionString", connectionString);
        if (exportFolder is not null)
        {
            builder.UseSetting("Export:Folder", exportFolder);
        }

        foreach (var (key, value) in TestTokens.ServerSettings(FhirServerFixture.Audience))
        {
            builder.UseSetting(key, value);
        }
        if (sharedValidator is not null)
        {
            builder.ConfigureTestServices(collection => collection.AddSingleton(sharedValidator));
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
