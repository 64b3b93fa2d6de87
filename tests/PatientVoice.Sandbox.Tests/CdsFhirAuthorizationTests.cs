using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PatientVoice.Testing;

namespace PatientVoice.Sandbox.Tests;

/// <summary>
/// CDS Hooks 2.0 <c>fhirAuthorization</c>: a CDS service registered with the EHR for FHIR access gets, with each hook
/// call, a short-lived token naming it as <c>subject</c> that reads the hook's patient from the EHR's FHIR server and no
/// other patient; a service that is not registered gets none. Real processes: the sandbox, and the services on Kestrel.
/// </summary>
public sealed class CdsFhirAuthorizationTests
{
    [Fact]
    public async Task A_registered_service_reads_the_hooks_patient_with_its_token_and_no_other_patient_and_an_unregistered_one_gets_none()
    {
        var seen = new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal);
        await using var services = await TestHttpServer.StartAsync(app =>
        {
            app.MapGet("/cds-services", () => Results.Json(new
            {
                services = new[]
                {
                    new { hook = "patient-view", id = "reader", title = "Reader", description = "Reads the patient" },
                    new { hook = "patient-view", id = "plain", title = "Plain", description = "Asks for nothing" },
                },
            }));
            app.MapPost("/cds-services/{id}", async (string id, HttpContext http) =>
            {
                var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
                var outcome = new JsonObject { ["hadToken"] = body["fhirAuthorization"] is not null };
                if (body["fhirAuthorization"] is JsonObject authorization)
                {
                    using var client = new HttpClient();
                    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string?)authorization["access_token"]);
                    var server = (string)body["fhirServer"]!;
                    var patient = (string)body["context"]!["patientId"]!;
                    using var own = await client.GetAsync($"{server}/Patient/{patient}");
                    using var other = await client.GetAsync($"{server}/Patient/grace-williams");
                    outcome["subject"] = (string?)authorization["subject"];
                    outcome["patient"] = (string?)authorization["patient"];
                    outcome["scope"] = (string?)authorization["scope"];
                    outcome["own"] = (int)own.StatusCode;
                    outcome["family"] = own.IsSuccessStatusCode ? (string?)JsonNode.Parse(await own.Content.ReadAsStringAsync())!["name"]![0]!["family"] : null;
                    outcome["other"] = (int)other.StatusCode;
                }

                seen[id] = outcome;
                return Results.Json(new { cards = Array.Empty<object>() });
            });
        });
        await using var sandbox = await SandboxProcess.StartAsync(new SandboxSettings
        {
            ExtraArguments =
            [
                $"--Sandbox:CdsServices:0={services.BaseUrl}/cds-services",
                $"--Sandbox:CdsServiceAccess:0:ServiceUrl={services.BaseUrl}/cds-services/reader",
                "--Sandbox:CdsServiceAccess:0:ClientId=reader-service",
                "--Sandbox:CdsServiceAccess:0:Scopes=patient/Patient.rs",
                "--Sandbox:CdsHooksTimeout=00:00:20",
            ],
        });

        using var chart = await sandbox.Http.GetAsync("/chart/maria-garcia");

        Assert.True(chart.IsSuccessStatusCode, $"The chart answered {(int)chart.StatusCode}: {sandbox.RecentOutput}");
        Assert.True(seen.TryGetValue("reader", out var reader), "The registered service was not called: " + sandbox.RecentOutput);
        Assert.Equal("reader-service", (string?)reader!["subject"]);
        Assert.Equal("maria-garcia", (string?)reader["patient"]);
        Assert.Equal("patient/Patient.rs", (string?)reader["scope"]);
        Assert.Equal(200, (int)reader["own"]!);
        Assert.False(string.IsNullOrEmpty((string?)reader["family"]));
        Assert.NotEqual(200, (int)reader["other"]!);
        Assert.False((bool)seen["plain"]["hadToken"]!);

        // The grant is the EHR's own: a client that is not the EHR cannot use it.
        using var forged = await sandbox.Http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:patientvoice:sandbox:cds-hooks-fhir-authorization",
            ["client_id"] = "sandbox-cds-hooks-client",
            ["client_secret"] = "guessed",
            ["cds_service"] = "reader-service",
            ["patient"] = "grace-williams",
            ["scope"] = "patient/Patient.rs",
        }));
        Assert.False(forged.IsSuccessStatusCode);
        using var refused = JsonDocument.Parse(await forged.Content.ReadAsStringAsync());
        Assert.Equal("invalid_client", refused.RootElement.GetProperty("error").GetString());
    }
}
