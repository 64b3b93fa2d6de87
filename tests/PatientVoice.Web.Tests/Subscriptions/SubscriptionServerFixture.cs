using Microsoft.AspNetCore.Hosting;

namespace PatientVoice.Web.Tests.Subscriptions;

/// <summary>
/// The FHIR server with rest-hook delivery tuned for tests: http endpoints on loopback allowed, retries every half
/// second or so (doubling up to 4 s), a subscription in error after 5 failed attempts at one event.
/// </summary>
public sealed class SubscriptionServerFixture : FhirServerFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Subscriptions:AllowHttpLoopback", "true");
        builder.UseSetting("Subscriptions:PollInterval", "00:00:00.500");
        builder.UseSetting("Subscriptions:RetryDelay", "00:00:00.500");
        builder.UseSetting("Subscriptions:MaxRetryDelay", "00:00:04");
        builder.UseSetting("Subscriptions:MaxAttempts", "5");
        builder.UseSetting("Subscriptions:HandshakeAttempts", "2");
    }
}
