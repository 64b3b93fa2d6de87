using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Benchmarks;

/// <summary>Completed "My goals" responses with three goals, each for its own patient, from the hand-made response the tests use.</summary>
internal static class SubmissionBodies
{
    private static readonly Lazy<QuestionnaireResponse> Template = new(() =>
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "CompletedResponses", "my-goals.json"));
        var response = (QuestionnaireResponse)JsonSerializer.Deserialize<Resource>(json, FhirSerializer.JsonOptions)!;
        response.Id = null;
        var third = (QuestionnaireResponse.ItemComponent)response.Item.First(i => i.LinkId == "goal").DeepCopy();
        third.Item.First(i => i.LinkId == "goal-text").Answer[0].Value = new FhirString("Cook Sunday dinner for my family again");
        response.Item.Add(third);
        return response;
    });

    public static byte[] ThreeGoals(int n)
    {
        var response = (QuestionnaireResponse)Template.Value.DeepCopy();
        response.Subject = new ResourceReference($"Patient/bench-{n}");
        response.Author = new ResourceReference($"Patient/bench-{n}");
        if (response.Source is not null)
        {
            response.Source = new ResourceReference($"Patient/bench-{n}");
        }

        return Encoding.UTF8.GetBytes(FhirSerializer.ToJson(response));
    }
}
