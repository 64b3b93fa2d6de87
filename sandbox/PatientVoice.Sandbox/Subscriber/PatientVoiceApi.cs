using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Sandbox.Keys;

namespace PatientVoice.Sandbox.Subscriber;

/// <summary>Getting a token for PatientVoice's API failed (the authorization server said no, or was unreachable).</summary>
public sealed class SubscriberTokenException(string message) : Exception(message);

/// <summary>
/// This EHR as a client of PatientVoice's FHIR API, the way any integrator is: SMART Backend Services against this
/// EHR's own token endpoint (client <see cref="SandboxOptions.SubscriberClientId"/>, an ES384 client assertion with
/// the key in the data folder), <c>aud</c> = PatientVoice's FHIR base, only the <c>system/</c> scopes it needs.
/// </summary>
public sealed class PatientVoiceApi(IHttpClientFactory factory, IOptions<SandboxOptions> options, SandboxKeys keys, TimeProvider clock)
{
    public const string HttpClientName = "patientvoice-api";
    public const string Scopes = "system/Subscription.cruds system/QuestionnaireResponse.rs system/Questionnaire.rs system/Task.c";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset Expires)? _token;

    public string FhirBase => options.Value.AppFhirBase;

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return await factory.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } cached && cached.Expires > clock.GetUtcNow())
            {
                return cached.Token;
            }

            var endpoint = options.Value.EhrBase + "/connect/token";
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = Scopes,
                ["aud"] = FhirBase,
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = Assertion(endpoint),
            });
            using var response = await factory.CreateClient(HttpClientName).PostAsync(endpoint, form, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // The error and its description (RFC 6749 §5.2) say why; they carry no secret.
                throw new SubscriberTokenException($"the token endpoint answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
            }

            using var json = JsonDocument.Parse(body);
            var token = json.RootElement.GetProperty("access_token").GetString() ?? throw new SubscriberTokenException("no access_token in the token response");
            var lifetime = json.RootElement.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 300;
            // Renewed a minute early, so a token never runs out on the way.
            _token = (token, clock.GetUtcNow().AddSeconds(Math.Max(lifetime - 60, 1)));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private string Assertion(string tokenEndpoint)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var client = options.Value.SubscriberClientId;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = client,
            Audience = tokenEndpoint,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(4),
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = client, [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N") },
            TokenType = "JWT",
            SigningCredentials = keys.Subscriber.SigningCredentials,
        });
    }
}
