using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Fhir;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;
using PatientVoice.Testing;
using PatientVoice.Web.Clinicians.Presentation;
using PatientVoice.Application.Clinicians.Summary;
using PatientVoice.Application;

namespace PatientVoice.Benchmarks;

/// <summary>
/// <c>clinician-summary</c>: one patient with five years of monthly submissions of all four forms (and other patients
/// beside them), submitted through the real server (validated, extracted, stored), then the clinician summary built
/// from that store again and again: every store search and parse the page needs, the model, the copy-to-note text.
/// </summary>
internal static class ClinicianSummaryBenchmark
{
    private static readonly string[] Forms = ["before-your-visit", "my-goals", "my-care-preferences", "what-i-know-about-my-condition"];

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var months = args.Int("months", 60);
        var others = args.Int("other-patients", 200);
        var iterations = args.Int("iterations", 500);
        var warmup = args.Int("warmup", 50);
        var keep = args.String("db");
        using var directory = new ScratchDirectory(keep is null ? null : Path.GetDirectoryName(Path.GetFullPath(keep)));
        var database = keep is null ? Path.Combine(directory.Path, "summary.db") : Path.GetFullPath(keep);
        const string patient = "Patient/five-years";

        if (File.Exists(database))
        {
            Console.WriteLine($"reusing {database} (delete it to reload)");
        }
        else
        {
            await LoadAsync(database, patient, months, others, args);
        }

        // As Program.cs: our SearchParameters in the registry before the store registers its default one.
        var services = new ServiceCollection().AddLogging();
        services.AddFhirConformance(_ => { });
        services.AddSingleton(sp => new SearchParameterRegistry().AddDefinitions(sp.GetRequiredService<ConformancePackage>().SearchParameters));
        services.AddSqliteResourceStore(o => o.Path = database);
        // The summary is a use case of the application core (since issue 13), registered with the others as Program.cs does.
        services.AddMemoryCache(options => options.SizeLimit = 1000);
        services.AddPatientVoiceApplication(new ConfigurationBuilder().Build());
        await using var provider = services.BuildServiceProvider();
        var reader = provider.GetRequiredService<ClinicianSummaryReader>();

        var first = await reader.ReadAsync(patient, CancellationToken.None);
        Console.WriteLine(FormattableString.Invariant(
            $"summary of {patient}: {first.Submissions.Count} forms shown, agenda {first.Agenda?.Items.Count ?? 0} topics, {first.Goals.Count} goals, {first.CarePreferences.Count} preferences, {first.SelfKnowledge.Sum(c => c.Items.Count)} self-knowledge items, {first.Changes.Count} changes"));
        for (var i = 0; i < warmup; i++)
        {
            CopyToNoteText.For(await reader.ReadAsync(patient, CancellationToken.None));
        }

        var latencies = new List<long>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            var begin = Stopwatch.GetTimestamp();
            var summary = await reader.ReadAsync(patient, CancellationToken.None);
            _ = CopyToNoteText.For(summary);
            latencies.Add(Stopwatch.GetTimestamp() - begin);
        }

        var distribution = new LatencyDistribution(latencies);
        Console.WriteLine($"clinician summary, {months} months of submissions, {iterations} builds after {warmup} warm-up: {distribution.Summary()}");
        Console.WriteLine(FormattableString.Invariant(
            $"| {months} | {months * Forms.Length} | {iterations} | {distribution.PercentileMs(0.50):F2} | {distribution.PercentileMs(0.95):F2} | {distribution.PercentileMs(0.99):F2} | {distribution.MaxMs:F1} |"));
        return distribution.PercentileMs(0.95) <= 300 ? 0 : 1;
    }

    private static async Task LoadAsync(string database, string patient, int months, int others, BenchmarkArguments args)
    {
        var settings = new ServerSettings(database) { ExtraArguments = args.ServerArguments, ReadyTimeout = TimeSpan.FromMinutes(10) };
        await using var server = await ServerProcess.StartAsync(settings, CancellationToken.None);
        using var http = LoopbackClient.Create(server.BaseAddress, 1);
        var clock = Stopwatch.StartNew();
        var start = new DateTimeOffset(2021, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var count = 0;
        for (var month = 0; month < months; month++)
        {
            foreach (var form in Forms)
            {
                await SubmitAsync(http, Response(form, patient, start.AddMonths(month).AddHours(Array.IndexOf(Forms, form)), month));
                count++;
            }
        }

        for (var other = 0; other < others; other++)
        {
            foreach (var form in Forms)
            {
                await SubmitAsync(http, Response(form, $"Patient/other-{other}", start.AddDays(other % 1500), other));
                count++;
            }
        }

        Console.WriteLine(FormattableString.Invariant($"submitted {count} responses through the server in {clock.Elapsed.TotalSeconds:F0} s"));
        await server.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    private static QuestionnaireResponse Response(string form, string patient, DateTimeOffset authored, int month)
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "CompletedResponses", form + ".json"));
        var response = (QuestionnaireResponse)JsonSerializer.Deserialize<Resource>(json, FhirSerializer.JsonOptions)!;
        response.Id = null;
        response.Subject = response.Source = response.Author = new ResourceReference(patient);
        response.AuthoredElement = new FhirDateTime(authored);
        foreach (var item in Flatten(response.Item).Where(i => i.LinkId == "respondent"))
        {
            item.Answer = [new QuestionnaireResponse.AnswerComponent { Value = new Coding("http://patientvoice.example.org/fhir/CodeSystem/pv-respondent", "self", "Me") }];
        }

        // Every few months the patient words something differently, so there are changes to find.
        foreach (var item in Flatten(response.Item).Where(i => i.LinkId is "information" or "visit-worries" or "goal-text" or "what-helps"))
        {
            foreach (var answer in item.Answer.Where(a => a.Value is FhirString))
            {
                answer.Value = new FhirString(((FhirString)answer.Value!).Value + (month % 3 == 0 ? string.Empty : " (" + month.ToString(CultureInfo.InvariantCulture) + ")"));
            }
        }

        return response;
    }

    private static IEnumerable<QuestionnaireResponse.ItemComponent> Flatten(IEnumerable<QuestionnaireResponse.ItemComponent> items) =>
        items.SelectMany(i => new[] { i }.Concat(Flatten(i.Item)));

    private static async Task SubmitAsync(HttpClient http, QuestionnaireResponse response)
    {
        using var content = new StringContent(FhirSerializer.ToJson(response), Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json"));
        using var answer = await http.PostAsync("/fhir/QuestionnaireResponse", content);
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Submission refused: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }
    }
}
