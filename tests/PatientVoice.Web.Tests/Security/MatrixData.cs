using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// What the authorization matrix reads: a Goal of the own patient and one of another patient (whose words
/// carry <see cref="OtherMarker"/>, so a leak is visible in any body), and two Provenances pointing at the own
/// Goal, one by each patient (a <c>_revinclude</c> must not bring in the other's). Stored once per server.
/// </summary>
public sealed class MatrixData
{
    public const string Own = "authz-alice";
    public const string Other = "authz-bob";
    public const string OtherMarker = "BOB-PRIVATE";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<FhirServerFixture, MatrixData> Seeded = [];

    public required string OwnGoal { get; init; }

    public required string OtherGoal { get; init; }

    public static async Task<MatrixData> GetAsync(FhirServerFixture server)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Seeded.TryGetValue(server, out var data))
            {
                using var admin = server.CreateFhirClient();
                var own = await CreateGoalAsync(admin, Own);
                var other = await CreateGoalAsync(admin, Other);
                foreach (var patient in new[] { Own, Other })
                {
                    var response = await admin.PostAsync("Provenance", FhirJson.Content(FhirJson.Provenance(patient, $"Goal/{own}")));
                    Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
                }

                data = new MatrixData { OwnGoal = own, OtherGoal = other };
                Seeded[server] = data;
            }

            return data;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A patient-stated Goal; the other patient's words carry the leak marker.</summary>
    public static Goal Goal(string patient, string words = "goal")
        => FhirJson.Goal(patient, patient == Other ? $"{OtherMarker} {words}" : $"Own {words}");

    public static async Task<string> CreateGoalAsync(HttpClient admin, string patient)
    {
        var response = await admin.PostAsync("Goal", FhirJson.Content(Goal(patient)));
        var created = await FhirJson.ReadAsync<Goal>(response);
        return created.Id ?? throw new InvalidOperationException("The server gave the created Goal no id.");
    }
}
