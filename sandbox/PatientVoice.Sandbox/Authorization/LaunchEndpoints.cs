using Microsoft.Extensions.Options;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// The EHR side of an EHR launch, as an API for the launcher page and tests: <c>POST /sandbox/launches</c>
/// with a <see cref="LaunchContext"/> answers the <c>launch</c> value and the <c>iss</c> to open the app with.
/// </summary>
internal static class LaunchEndpoints
{
    public sealed record LaunchCreated(string Launch, string Iss, DateTimeOffset Expires);

    public static IResult Create(LaunchContext context, LaunchContextStore launches, IOptions<SandboxOptions> options, TimeProvider clock)
    {
        if (context.Patient is null && context.User is null)
        {
            return Results.BadRequest(new { error = "A launch needs a patient or a user." });
        }

        var launch = launches.Create(context);
        return Results.Json(new LaunchCreated(launch, options.Value.FhirBase, clock.GetUtcNow() + options.Value.LaunchLifetime), statusCode: 201);
    }
}
