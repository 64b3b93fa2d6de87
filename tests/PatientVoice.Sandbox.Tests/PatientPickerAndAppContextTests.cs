using System.Net;

namespace PatientVoice.Sandbox.Tests;

/// <summary>
/// The patient picker of a practitioner's standalone <c>launch/patient</c> (a choice only the picker page can post),
/// and a CDS card link's <c>appContext</c> relayed to the app in the token response (CDS Hooks 2.0).
/// </summary>
[Collection(SharedSandboxCollection.Name)]
public sealed class PatientPickerAndAppContextTests(SandboxFactory factory)
{
    [Fact]
    public async Task A_practitioners_standalone_launch_patient_goes_to_the_picker_and_a_choice_in_the_link_is_not_taken()
    {
        var client = new SmartClient(factory.CreateBrowserlessClient());
        var parameters = client.AuthorizeParameters("launch/patient openid fhirUser online_access user/Patient.rs", "dr-silva");
        parameters["patient_picked"] = "linda-johnson";

        var (status, location, back) = await client.AuthorizeAsync(parameters);

        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith("/patient-picker?", location!.OriginalString, StringComparison.Ordinal);
        Assert.False(back.ContainsKey("code"));
    }

    [Fact]
    public async Task A_launch_with_an_app_context_answers_it_in_the_token_response_and_a_launch_without_one_does_not()
    {
        var client = new SmartClient(factory.CreateBrowserlessClient());
        var withContext = await client.CreateLaunchAsync(new { patient = "james-okafor", user = "dr-patel", appContext = "clinician-summary/agenda" });
        var without = await client.CreateLaunchAsync(new { patient = "james-okafor", user = "dr-patel" });

        var token = await client.LoginAsync("launch openid fhirUser online_access user/Patient.rs", null, withContext);
        var plain = await new SmartClient(factory.CreateBrowserlessClient()).LoginAsync("launch openid fhirUser online_access user/Patient.rs", null, without);

        Assert.Equal("clinician-summary/agenda", token.GetProperty("appContext").GetString());
        Assert.False(plain.TryGetProperty("appContext", out _));
    }
}
