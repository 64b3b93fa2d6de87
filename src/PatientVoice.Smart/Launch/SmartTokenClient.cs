using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientVoice.Smart.ClientAuthentication;

namespace PatientVoice.Smart.Launch;

/// <summary>
/// The token endpoint: redeems an authorization code (with its PKCE verifier) and refreshes tokens, authenticating
/// the client as configured (<c>client_secret_basic</c>, <c>private_key_jwt</c> or public).
/// </summary>
public sealed partial class SmartTokenClient(IHttpClientFactory httpClients, IOptions<SmartClientOptions> options, TimeProvider time, ILogger<SmartTokenClient> logger)
{
    /// <exception cref="SmartServerUnreachableException">No answer, a timeout, or a 5xx without an OAuth error.</exception>
    /// <exception cref="SmartTokenRefusedException">An OAuth error (e.g. <c>invalid_grant</c> for a used or wrong code).</exception>
    /// <exception cref="SmartTokenResponseInvalidException">A success that is not a usable token response.</exception>
    /// <param name="requestedScope">The scope of the authorize request: granted when the response leaves <c>scope</c> out (RFC 6749 §5.1).</param>
    public Task<SmartTokenResponse> ExchangeCodeAsync(
        SmartConfiguration configuration, SmartClientCredentials client, string code, Uri redirectUri, string codeVerifier, CancellationToken cancellationToken, string? requestedScope = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentException.ThrowIfNullOrEmpty(codeVerifier);
        return RequestAsync(configuration, client, "authorization_code",
        [
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirectUri.AbsoluteUri),
            new("code_verifier", codeVerifier),
        ], requestedScope, readIdToken: true, cancellationToken);
    }

    /// <summary>
    /// Refreshes. The response's launch context (patient, encounter, …) is often absent on refresh: keep the
    /// launch's; a response without <c>refresh_token</c> means the old one stays valid.
    /// </summary>
    public Task<SmartTokenResponse> RefreshAsync(
        SmartConfiguration configuration, SmartClientCredentials client, string refreshToken, string? scope, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "refresh_token"), new("refresh_token", refreshToken) };
        if (!string.IsNullOrEmpty(scope))
        {
            form.Add(new("scope", scope));
        }

        // fhirUser is settled at launch; a refreshed id_token is not read again.
        return RequestAsync(configuration, client, "refresh_token", form, scope, readIdToken: false, cancellationToken);
    }

    private async Task<SmartTokenResponse> RequestAsync(
        SmartConfiguration configuration, SmartClientCredentials client, string grant, List<KeyValuePair<string, string>> form, string? requestedScope, bool readIdToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(client);
        var endpoint = configuration.TokenEndpoint;
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        request.Headers.Accept.ParseAdd("application/json");
        switch (client.Method)
        {
            case ClientAuthenticationMethod.ClientSecretBasic:
                // RFC 6749 §2.3.1: both parts form-encoded before Base64.
                var pair = $"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(client.ClientSecret!)}";
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
                break;
            case ClientAuthenticationMethod.PrivateKeyJwt:
                form.Add(new("client_id", client.ClientId));
                form.Add(new("client_assertion_type", ClientAssertion.AssertionType));
                form.Add(new("client_assertion", ClientAssertion.Create(client.ClientId, endpoint.AbsoluteUri, client.SigningCredentials!, time)));
                break;
            default:
                form.Add(new("client_id", client.ClientId));
                break;
        }

        request.Content = new FormUrlEncodedContent(form);
        var http = httpClients.CreateClient(SmartClientOptions.HttpClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        HttpStatusCode status;
        string body;
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (HttpRequestException e)
        {
            LogOutcome(grant, endpoint.Host, "unreachable");
            throw new SmartServerUnreachableException(endpoint, $"The token endpoint could not be reached ({e.HttpRequestError}).", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            LogOutcome(grant, endpoint.Host, "timeout");
            throw new SmartServerUnreachableException(endpoint, "The token endpoint did not answer in time.", e);
        }

        if (status != HttpStatusCode.OK)
        {
            if (OAuthError(body) is { } error && (int)status < 500)
            {
                LogOutcome(grant, endpoint.Host, error.Error);
                throw new SmartTokenRefusedException(error.Error, error.Description, (int)status);
            }

            LogOutcome(grant, endpoint.Host, ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
            throw (int)status >= 500 || status == HttpStatusCode.TooManyRequests
                ? new SmartServerUnreachableException(endpoint, $"The token endpoint answered {(int)status}.")
                : new SmartTokenRefusedException("http_" + (int)status, null, (int)status);
        }

        var parsed = SmartTokenResponseParser.Parse(body, requestedScope);
        var fhirUser = parsed.IdToken is null || !readIdToken ? null : IdTokenReader.FhirUser(parsed.IdToken, client.ClientId, configuration.Issuer, time);
        LogOutcome(grant, endpoint.Host, "ok");
        return parsed with { FhirUser = fhirUser };
    }

    private static (string Error, string? Description)? OAuthError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? (error.GetString()!, document.RootElement.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "SMART token request ({Grant}) at {Host}: {Outcome}")]
    private partial void LogOutcome(string grant, string host, string outcome);
}
