using System.Text.Json;
using Microsoft.Extensions.Logging;
using PatientVoice.Smart.ClientAuthentication;

namespace PatientVoice.Smart.Backend;

/// <summary>
/// SMART Backend Services (client_credentials with a <c>private_key_jwt</c> client assertion, RS384/ES384): finds the
/// token endpoint in the EHR's <c>.well-known/smart-configuration</c> once, and keeps the access token until shortly
/// before it expires, so every request to the EHR does not cost a token request. Thread-safe; one per EHR.
/// </summary>
public sealed partial class BackendServicesTokenClient(HttpClient http, BackendServicesClientSettings settings, TimeProvider time, ILogger<BackendServicesTokenClient> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _tokenEndpoint;
    private (string Token, DateTimeOffset RenewAt)? _cached;

    public BackendServicesClientSettings Settings => settings;

    /// <summary>A valid access token, from the cache or a new token request.</summary>
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && time.GetUtcNow() < cached.RenewAt)
        {
            return cached.Token;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && time.GetUtcNow() < again.RenewAt)
            {
                return again.Token;
            }

            var endpoint = _tokenEndpoint ??= await DiscoverTokenEndpointAsync(cancellationToken);
            var (token, lifetime) = await RequestTokenAsync(endpoint, cancellationToken);
            var margin = TimeSpan.FromTicks(Math.Min(settings.RenewBefore.Ticks, lifetime.Ticks / 2));
            _cached = (token, time.GetUtcNow() + lifetime - margin);
            LogTokenIssued(settings.ClientId, (int)lifetime.TotalSeconds);
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="token"/> (the EHR answered 401 to it), so the next call asks for a new one.</summary>
    public void Invalidate(string token)
    {
        if (_cached is { } cached && cached.Token == token)
        {
            _cached = null;
        }
    }

    private async Task<string> DiscoverTokenEndpointAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(settings.FhirBaseUrl.ToString().TrimEnd('/') + "/.well-known/smart-configuration");
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url), "SMART discovery", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new BackendTokenException($"SMART discovery at {url} answered {(int)response.StatusCode}.", (int)response.StatusCode);
        }

        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (json.RootElement.TryGetProperty("token_endpoint", out var endpoint) && endpoint.GetString() is { Length: > 0 } value
                && Uri.TryCreate(value, UriKind.Absolute, out _))
            {
                return value;
            }
        }
        catch (JsonException e)
        {
            throw new BackendTokenException($"SMART discovery at {url} is not JSON.", (int)response.StatusCode, inner: e);
        }

        throw new BackendTokenException($"SMART discovery at {url} names no absolute token_endpoint.", (int)response.StatusCode);
    }

    private async Task<(string Token, TimeSpan Lifetime)> RequestTokenAsync(string endpoint, CancellationToken cancellationToken)
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = settings.Scope,
            ["client_assertion_type"] = ClientAssertion.AssertionType,
            ["client_assertion"] = ClientAssertion.Create(settings.ClientId, endpoint, settings.Credentials, time),
        });
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = form }, "token request", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new BackendTokenException($"The token endpoint answered {(int)response.StatusCode} without JSON.", (int)response.StatusCode);
        }

        if (!response.IsSuccessStatusCode)
        {
            var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
            LogTokenRefused(settings.ClientId, (int)response.StatusCode, error);
            throw new BackendTokenException($"The token endpoint refused the client ({(int)response.StatusCode} {error}).", (int)response.StatusCode, error);
        }

        if (!root.TryGetProperty("access_token", out var token) || token.GetString() is not { Length: > 0 } accessToken)
        {
            throw new BackendTokenException("The token endpoint answered without an access_token.", (int)response.StatusCode);
        }

        // Without expires_in, assume the five minutes SMART recommends.
        var lifetime = root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(5);
        return (accessToken, lifetime);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        using (request)
        {
            request.Headers.Accept.ParseAdd("application/json");
            try
            {
                return await http.SendAsync(request, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Connection refused, a timeout, or the resilience pipeline giving up: no answer, try later.
                throw new BackendTokenException($"The {what} got no answer: {e.GetType().Name}.", inner: e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backend Services token issued to {ClientId}, valid {Seconds} s")]
    private partial void LogTokenIssued(string clientId, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backend Services token refused for {ClientId}: {Status} {Error}")]
    private partial void LogTokenRefused(string clientId, int status, string? error);
}
