using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PatientVoice.Testing;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// ADR 0032 in the real pipeline: the trusted issuer's scheme remembers a token it accepted, and a remembered token
/// still opens only what its scopes and patient allow.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class RememberedTokenPipelineTests(FhirServerFixture server)
{
    [Fact]
    public async Task A_patients_remembered_token_reads_its_own_goal_again_and_still_not_another_patients()
    {
        var data = await MatrixData.GetAsync(server);
        var options = server.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>();
        var schemes = await server.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetAllSchemesAsync();
        var scheme = Assert.Single(schemes, s => options.Get(s.Name).TokenValidationParameters?.ValidIssuer == TestTokens.Issuer);
        var handler = Assert.Single(options.Get(scheme.Name).TokenHandlers.OfType<RememberingTokenHandler>());

        var token = FhirServerFixture.Token("patient/Goal.rs", patient: MatrixData.Own);
        using var client = server.CreateFhirClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"Goal/{data.OwnGoal}")).StatusCode);
        Assert.True(handler.Count >= 1);
        var hits = handler.Hits;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"Goal/{data.OwnGoal}")).StatusCode);
            var other = await client.GetAsync($"Goal/{data.OtherGoal}");
            Assert.Contains(other.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Forbidden });
            Assert.DoesNotContain(MatrixData.OtherMarker, await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.True(handler.Hits - hits >= 6, $"each of the 6 later requests was answered from memory ({handler.Hits - hits} were)");
    }
}
