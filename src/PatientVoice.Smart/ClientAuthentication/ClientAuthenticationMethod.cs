namespace PatientVoice.Smart.ClientAuthentication;

/// <summary>How a client proves who it is at the token endpoint (the configuration value in brackets).</summary>
public enum ClientAuthenticationMethod
{
    /// <summary>A shared secret in an HTTP Basic header (<c>client_secret_basic</c>; SMART "confidential symmetric").</summary>
    ClientSecretBasic,

    /// <summary>A JWT signed with the client's private key (<c>private_key_jwt</c>; SMART "confidential asymmetric").</summary>
    PrivateKeyJwt,

    /// <summary>A public client: the client id only, PKCE guarding the code (<c>none</c>).</summary>
    None,
}

/// <summary>The configuration names of <see cref="ClientAuthenticationMethod"/>.</summary>
public static class ClientAuthenticationMethodNames
{
    public const string ClientSecretBasic = "client_secret_basic";
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string None = "none";

    public static bool TryParse(string? value, out ClientAuthenticationMethod method)
    {
        (var known, method) = value switch
        {
            ClientSecretBasic => (true, ClientAuthenticationMethod.ClientSecretBasic),
            PrivateKeyJwt => (true, ClientAuthenticationMethod.PrivateKeyJwt),
            None => (true, ClientAuthenticationMethod.None),
            _ => (false, ClientAuthenticationMethod.None),
        };
        return known;
    }

    public static string ToName(this ClientAuthenticationMethod method) => method switch
    {
        ClientAuthenticationMethod.ClientSecretBasic => ClientSecretBasic,
        ClientAuthenticationMethod.PrivateKeyJwt => PrivateKeyJwt,
        _ => None,
    };
}
