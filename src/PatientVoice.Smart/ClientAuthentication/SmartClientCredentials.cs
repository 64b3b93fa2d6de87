using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Smart.ClientAuthentication;

/// <summary>
/// A SMART client's registration at one EHR: its id and how it authenticates. Build it with
/// <see cref="Secret"/>, <see cref="PrivateKey"/> or <see cref="Public"/> so the parts always match the method.
/// </summary>
public sealed record SmartClientCredentials
{
    private SmartClientCredentials(string clientId, ClientAuthenticationMethod method)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ClientId = clientId;
        Method = method;
    }

    public string ClientId { get; }

    public ClientAuthenticationMethod Method { get; }

    /// <summary>The shared secret (<see cref="ClientAuthenticationMethod.ClientSecretBasic"/> only).</summary>
    public string? ClientSecret { get; private init; }

    /// <summary>The signing key (<see cref="ClientAuthenticationMethod.PrivateKeyJwt"/> only).</summary>
    public SigningCredentials? SigningCredentials { get; private init; }

    public static SmartClientCredentials Secret(string clientId, string clientSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        return new(clientId, ClientAuthenticationMethod.ClientSecretBasic) { ClientSecret = clientSecret };
    }

    public static SmartClientCredentials PrivateKey(string clientId, SigningCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return new(clientId, ClientAuthenticationMethod.PrivateKeyJwt) { SigningCredentials = credentials };
    }

    public static SmartClientCredentials Public(string clientId) => new(clientId, ClientAuthenticationMethod.None);

    // Never print the secret or the key (records print every property by default).
    public override string ToString() => $"{ClientId} ({Method.ToName()})";
}
