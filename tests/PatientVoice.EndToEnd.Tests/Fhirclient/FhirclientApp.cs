using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PatientVoice.Testing;

namespace PatientVoice.EndToEnd.Tests.Fhirclient;

/// <summary>
/// The fhirclient test app (Fhirclient/wwwroot: launch.html, app.html) and fhirclient's browser build from the npm
/// package, served by Kestrel on 127.0.0.1 and a free port: another origin than the EHR's, as a SMART app is.
/// </summary>
internal sealed class FhirclientApp : IAsyncDisposable
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "tests", "PatientVoice.EndToEnd.Tests", "Fhirclient");

    private static readonly IReadOnlyDictionary<string, string> Files = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/launch.html"] = Path.Combine(Folder, "wwwroot", "launch.html"),
        ["/app.html"] = Path.Combine(Folder, "wwwroot", "app.html"),
        ["/fhir-client.js"] = Path.Combine(Folder, "node_modules", "fhirclient", "build", "fhir-client.js"),
    };

    private readonly WebApplication _app;

    private FhirclientApp(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<FhirclientApp> StartAsync()
    {
        foreach (var file in Files.Values.Where(f => !File.Exists(f)))
        {
            throw new FileNotFoundException($"{file} is missing: build PatientVoice.EndToEnd.Tests (its build runs npm ci in Fhirclient/).", file);
        }

        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapGet("/{file}", (string file) => Files.TryGetValue("/" + file, out var path)
            ? Results.File(path, file.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript" : "text/html; charset=utf-8")
            : Results.NotFound());
        await app.StartAsync();
        return new FhirclientApp(app, new Uri(url));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
