using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;

namespace PatientVoice.Application.Write;

/// <summary>
/// A response moves in-progress (a draft, saved as often as the patient likes) → completed (submitted) →
/// amended (changed later, as a new version). Once submitted it never becomes a draft again, and a change
/// to what was submitted is marked amended; entered-in-error stays available to withdraw it.
/// </summary>
public sealed class QuestionnaireResponseStatusRule : IResourceTransitionRule
{
    public string ResourceType => "QuestionnaireResponse";

    public void Check(StoredResource current, Resource next)
    {
        if (current.IsDeleted || current.Json is null || next is not QuestionnaireResponse response)
        {
            return;
        }

        var was = StoredStatus(current.Json);
        var becomes = response.Status is { } status ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(status) : null;
        if (was is "completed" or "amended" && becomes is "in-progress" or "stopped")
        {
            throw new UnprocessableEntityException(
                $"QuestionnaireResponse/{current.Id} was submitted ({was}); it cannot go back to {becomes}. Save changes as 'amended'.",
                "QuestionnaireResponse.status");
        }

        if (was is "completed" or "amended" && becomes == "completed")
        {
            throw new UnprocessableEntityException(
                $"QuestionnaireResponse/{current.Id} was already submitted; a change to it is 'amended', not 'completed' again.",
                "QuestionnaireResponse.status");
        }

        if (was == "entered-in-error" && becomes != "entered-in-error")
        {
            throw new UnprocessableEntityException(
                $"QuestionnaireResponse/{current.Id} was withdrawn as entered-in-error; start a new response instead.",
                "QuestionnaireResponse.status");
        }
    }

    // Only the status is needed from the stored version: read it without building the whole resource.
    private static string? StoredStatus(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
    }
}
