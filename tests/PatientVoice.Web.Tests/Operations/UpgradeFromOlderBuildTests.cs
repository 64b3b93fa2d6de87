using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Sqlite;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Operations;

/// <summary>
/// A database written by an older build opens with this one and keeps every resource and search result.
/// <c>Fixtures/main-02d0be7.db</c> was written through the FHIR API of the server built from main 02d0be7 (before the
/// SQLite schema carried a version), and <c>Fixtures/main-02d0be7.expected.json</c> holds what that server answered:
/// every version of every resource (from <c>_history</c>) and the matches of a set of searches
/// (<c>Fixtures/make-main-02d0be7.py</c> is the script that did it).
/// </summary>
public sealed class UpgradeFromOlderBuildTests
{
    private static readonly string Fixtures = Path.Combine(RepositoryPaths.Root, "tests", "PatientVoice.Web.Tests", "Operations", "Fixtures");

    [Fact]
    public async Task A_database_written_by_main_02d0be7_opens_keeps_every_resource_version_and_answers_the_same_searches()
    {
        using var server = new FhirServerFixture();
        File.Copy(Path.Combine(Fixtures, "main-02d0be7.db"), server.DatabasePath);
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Fixtures, "main-02d0be7.expected.json")))!;
        using var client = server.CreateFhirClient();

        var resources = expected["resources"]!.AsArray();
        Assert.True(resources.Count > 30, "The fixture's expectations are missing.");
        var problems = new List<string>();
        foreach (var entry in resources)
        {
            var path = $"{entry!["type"]}/{entry["id"]}/_history/{entry["version"]}";
            using var response = await client.GetAsync(path);
            if (entry["deleted"] is not null)
            {
                if (response.StatusCode != HttpStatusCode.Gone)
                {
                    problems.Add($"{path}: a deletion, answered {(int)response.StatusCode}");
                }

                continue;
            }

            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                problems.Add($"{path}: {(int)response.StatusCode}");
            }
            else if (!JsonNode.DeepEquals(entry["resource"], JsonNode.Parse(body)))
            {
                problems.Add($"{path}: differs from what 02d0be7 stored");
            }
        }

        // What the old build stored, by type/id: a search may now also find what this build adds at start-up — the
        // questionnaire versions it ships and 02d0be7 did not (ADR 0025) — but nothing else new, and loses nothing.
        var stored = resources.Select(r => $"{r!["type"]}/{r["id"]}").ToHashSet(StringComparer.Ordinal);
        foreach (var search in expected["searches"]!.AsArray())
        {
            var query = (string)search!["query"]!;
            using var response = await client.GetAsync(query + "&_count=1000");
            using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var matches = bundle.RootElement.TryGetProperty("entry", out var entries)
                ? entries.EnumerateArray()
                    .Where(e => !e.TryGetProperty("search", out var mode) || mode.GetProperty("mode").GetString() == "match")
                    .Select(e => $"{e.GetProperty("resource").GetProperty("resourceType").GetString()}/{e.GetProperty("resource").GetProperty("id").GetString()}")
                    .Order(StringComparer.Ordinal).ToList()
                : [];
            var before = search["matches"]!.AsArray().Select(m => (string)m!).Order(StringComparer.Ordinal).ToList();
            var seededNow = matches.Except(before, StringComparer.Ordinal).All(m => m.StartsWith("Questionnaire/", StringComparison.Ordinal) && !stored.Contains(m));
            if (before.Except(matches, StringComparer.Ordinal).Any() || !seededNow)
            {
                problems.Add($"{query}: 02d0be7 matched {before.Count} [{string.Join(", ", before)}], now {matches.Count} [{string.Join(", ", matches)}]");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // Opened by this build, the file now carries this build's schema version.
        await using var connection = new SqliteConnection($"Data Source={server.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        Assert.Equal(SqliteResourceStore.SchemaVersion, await SqliteResourceStore.ReadSchemaVersionAsync(connection, null, default));
    }
}
