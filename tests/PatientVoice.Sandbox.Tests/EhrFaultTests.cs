using System.Net;

namespace PatientVoice.Sandbox.Tests;

/// <summary>The EHR can be made to fail on purpose, so PatientVoice's retries can be tested against it.</summary>
public sealed class EhrFaultTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    [Theory]
    [InlineData("unavailable", HttpStatusCode.ServiceUnavailable)]
    [InlineData("too-many-requests", HttpStatusCode.TooManyRequests)]
    public async Task A_fault_makes_the_fhir_endpoint_fail_with_retry_after_until_it_is_turned_off(string kind, HttpStatusCode expected)
    {
        var client = factory.CreateBrowserlessClient();

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/sandbox/faults?kind={kind}&seconds=30", null)).StatusCode);
        var failing = await client.GetAsync("/fhir/Patient/maria-garcia");
        var discovery = await client.GetAsync("/fhir/.well-known/smart-configuration");
        await client.DeleteAsync("/sandbox/faults");
        var after = await client.GetAsync("/fhir/Patient/maria-garcia");

        Assert.Equal(expected, failing.StatusCode);
        Assert.NotNull(failing.Headers.RetryAfter);
        Assert.Contains("OperationOutcome", await failing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_hang_fault_leaves_requests_unanswered()
    {
        var control = factory.CreateBrowserlessClient();
        var impatient = factory.CreateBrowserlessClient();
        impatient.Timeout = TimeSpan.FromMilliseconds(500);
        await control.PostAsync("/sandbox/faults?kind=hang&seconds=30", null);

        try
        {
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.GetAsync("/fhir/Patient/maria-garcia"));
        }
        finally
        {
            await control.DeleteAsync("/sandbox/faults");
        }
    }

    [Fact]
    public async Task An_unknown_fault_is_refused()
    {
        var response = await factory.CreateBrowserlessClient().PostAsync("/sandbox/faults?kind=earthquake", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
