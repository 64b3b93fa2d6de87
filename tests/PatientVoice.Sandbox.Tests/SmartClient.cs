using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace PatientVoice.Sandbox.Tests;

/// <summary>A SMART client written for the tests: builds authorize requests, follows redirects by hand, redeems codes.</summary>
internal sealed class SmartClient(HttpClient http, string fhirBase = SandboxFactory.FhirBase)
{
    public string Verifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));

    public string Challenge => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    public async Task<string> CreateLaunchAsync(object context)
    {
        var response = await http.PostAsJsonAsync("/sandbox/launches", context);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("launch").GetString()!;
    }

    public Dictionary<string, string?> AuthorizeParameters(string scope, string? user, string? launch = null) => new()
    {
        ["response_type"] = "code",
        ["client_id"] = SandboxFactory.ClientId,
        ["redirect_uri"] = SandboxFactory.RedirectUri,
        ["scope"] = scope,
        ["state"] = "state-" + Guid.NewGuid().ToString("N"),
        ["aud"] = fhirBase,
        ["launch"] = launch,
        ["code_challenge"] = Challenge,
        ["code_challenge_method"] = "S256",
        ["sandbox_user"] = user,
    };

    /// <summary>The authorize response: its status and, for a redirect, the parameters it carries back to the app.</summary>
    public async Task<(HttpStatusCode Status, Uri? Location, Dictionary<string, string> Parameters)> AuthorizeAsync(Dictionary<string, string?> parameters)
    {
        var url = QueryHelpers.AddQueryString("/connect/authorize", parameters.Where(p => p.Value is not null));
        var response = await http.GetAsync(url);
        var location = response.Headers.Location;
        var query = location is null ? null : location.IsAbsoluteUri ? location.Query : new Uri(new Uri("http://sandbox.invalid"), location).Query;
        var back = string.IsNullOrEmpty(query)
            ? []
            : QueryHelpers.ParseQuery(query).ToDictionary(q => q.Key, q => q.Value.ToString());
        return (response.StatusCode, location, back);
    }

    public async Task<HttpResponseMessage> TokenAsync(Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.ASCII.GetBytes($"{SandboxFactory.ClientId}:{SandboxFactory.ClientSecret}")));
        return await http.SendAsync(request);
    }

    /// <summary>The whole code flow with PKCE; returns the token response as JSON.</summary>
    public async Task<JsonElement> LoginAsync(string scope, string? user, string? launch = null)
    {
        var (status, _, back) = await AuthorizeAsync(AuthorizeParameters(scope, user, launch));
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.True(back.ContainsKey("code"), "no code: " + string.Join("&", back.Select(b => $"{b.Key}={b.Value}")));
        var response = await TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = back["code"],
            ["redirect_uri"] = SandboxFactory.RedirectUri,
            ["code_verifier"] = Verifier,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
