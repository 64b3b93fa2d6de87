using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PatientVoice.Storage;
using PatientVoice.Testing;
using PatientVoice.Web.FhirApi.Errors;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.Tests.Security;

/// <summary>Microsoft Entra ID through Microsoft.Identity.Web: wired when <c>Security:Entra</c> is present, and only then (no network here).</summary>
public sealed class EntraWiringTests
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";

    [Fact]
    public async Task An_Entra_section_adds_an_Entra_bearer_scheme_for_the_tenant_with_asymmetric_algorithms_only()
    {
        await using var services = Services(new Dictionary<string, string?>
        {
            ["Security:Entra:Instance"] = "https://login.microsoftonline.com/",
            ["Security:Entra:TenantId"] = Tenant,
            ["Security:Entra:ClientId"] = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            ["Security:Entra:Audience"] = "api://patientvoice",
        });

        var scheme = await services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(FhirApiSecurity.EntraScheme);
        Assert.NotNull(scheme);
        var options = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(FhirApiSecurity.EntraScheme);
        Assert.Contains(Tenant, options.Authority, StringComparison.Ordinal);
        Assert.StartsWith("https://login.microsoftonline.com/", options.Authority, StringComparison.Ordinal);
        Assert.Contains("api://patientvoice", options.TokenValidationParameters.ValidAudiences ?? [options.TokenValidationParameters.ValidAudience ?? options.Audience]);
        Assert.Equal(FhirApiSecurity.Algorithms, options.TokenValidationParameters.ValidAlgorithms);
        Assert.Equal((Func<JwtBearerChallengeContext, Task>)FhirBearerEvents.ChallengeAsync, options.Events.OnChallenge);
    }

    [Fact]
    public async Task Without_an_Entra_section_there_is_no_Entra_scheme()
    {
        await using var services = Services([]);

        Assert.Null(await services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(FhirApiSecurity.EntraScheme));
        Assert.NotNull(await services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(FhirApiSecurity.IssuerScheme(0)));
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com/" + Tenant + "/v2.0", true, FhirApiSecurity.EntraScheme)]
    [InlineData("https://sts.windows.net/" + Tenant + "/", true, FhirApiSecurity.EntraScheme)]
    [InlineData("https://login.microsoftonline.com/" + Tenant + "/v2.0", false, null)]
    [InlineData(TestTokens.Issuer, true, "FhirBearer.0")]
    [InlineData("https://unknown.example/", true, null)]
    public void A_token_goes_to_the_scheme_of_its_issuer(string issuer, bool entra, string? scheme)
    {
        var token = TestTokens.Create("aud", "system/*.rs", issuer: issuer);

        Assert.Equal(scheme, FhirApiSecurity.SchemeFor("Bearer " + token, new Dictionary<string, string> { [TestTokens.Issuer] = "FhirBearer.0" }, entra));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer not.a.jwt")]
    [InlineData("Bearer ")]
    public void A_header_without_a_readable_bearer_token_goes_to_no_particular_scheme(string header)
        => Assert.Null(FhirApiSecurity.SchemeFor(header, new Dictionary<string, string> { [TestTokens.Issuer] = "FhirBearer.0" }, entra: true));

    [Fact]
    public void An_issuer_whose_keys_would_come_over_plain_http_from_another_host_is_refused_at_start_up()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Services(new Dictionary<string, string?>
        {
            ["Security:Issuers:0:JwksUrl"] = "http://ehr.example/.well-known/jwks",
        }).GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(FhirApiSecurity.IssuerScheme(0)));
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Security:Issuers:0:Issuer"] = "http://localhost:5100/",
                ["Security:Issuers:0:JwksUrl"] = "http://localhost:5100/.well-known/jwks",
                ["Security:Issuers:0:Audience"] = "http://localhost:5000/fhir",
            })
            .AddInMemoryCollection(settings)
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSqliteResourceStore();
        services.AddFhirApiSecurity(configuration);
        services.AddFhirBearerChallenges(); // as Program.cs: every bearer scheme answers as the FHIR API
        return services.BuildServiceProvider();
    }
}
