using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using PatientVoice.Sandbox.Keys;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// Creates the authorization server's database and registers PatientVoice as a confidential client (from
/// <c>Sandbox:PatientVoiceClient</c>), replacing a previous registration so configuration changes take effect.
/// </summary>
internal sealed class ClientRegistration(IServiceProvider services, IOptions<SandboxOptions> options, SandboxKeys keys, CdsHooks.CdsFhirAuthorization cds) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SandboxAuthorizationDbContext>();
        await db.Database.EnsureCreatedAsync(cancellationToken);

        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var client = options.Value.PatientVoiceClient;
        if (await manager.FindByClientIdAsync(client.ClientId, cancellationToken) is { } existing)
        {
            await manager.DeleteAsync(existing, cancellationToken);
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = client.ClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "PatientVoice",
            JsonWebKeySet = string.IsNullOrWhiteSpace(client.Jwks) ? null : new JsonWebKeySet(client.Jwks),
        };
        var redirects = client.RedirectUris.Count > 0 ? client.RedirectUris : [options.Value.AppUrl.TrimEnd('/') + "/signin-smart"];
        foreach (var redirect in redirects)
        {
            descriptor.RedirectUris.Add(new Uri(redirect));
        }

        AddSmartPermissions(descriptor);
        descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        descriptor.Permissions.Add(Permissions.Endpoints.Revocation);
        await manager.CreateAsync(descriptor, cancellationToken);

        foreach (var backend in BackendClients(options.Value, keys))
        {
            await RegisterBackendClientAsync(manager, backend, cancellationToken);
        }

        // The EHR's own client for CDS Hooks fhirAuthorization: its grant only, a secret made per process.
        if (await manager.FindByClientIdAsync(CdsHooks.CdsFhirAuthorization.ClientId, cancellationToken) is { } previous)
        {
            await manager.DeleteAsync(previous, cancellationToken);
        }

        var cdsClient = new OpenIddictApplicationDescriptor
        {
            ClientId = CdsHooks.CdsFhirAuthorization.ClientId,
            ClientSecret = cds.ClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "Sandbox EHR (CDS Hooks fhirAuthorization)",
        };
        cdsClient.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Prefixes.GrantType + CdsHooks.CdsFhirAuthorization.GrantType]);
        await manager.CreateAsync(cdsClient, cancellationToken);
    }

    /// <summary>
    /// The configured backend clients that have keys (inline or by URL), PatientVoice's write-back client and the EHR's
    /// own subscriber with the key pairs in the data folder unless configuration gives those client ids keys of their own.
    /// </summary>
    internal static IEnumerable<BackendClientOptions> BackendClients(SandboxOptions options, SandboxKeys keys)
    {
        var configured = options.BackendClients
            .Where(b => !string.IsNullOrWhiteSpace(b.ClientId) && (!string.IsNullOrWhiteSpace(b.Jwks) || !string.IsNullOrWhiteSpace(b.JwksUrl)))
            .ToList();
        if (!configured.Any(b => b.ClientId == options.PatientVoiceBackendClientId))
        {
            configured.Add(new BackendClientOptions { ClientId = options.PatientVoiceBackendClientId, Jwks = keys.PatientVoiceBackend.PublicJwks() });
        }

        if (!configured.Any(b => b.ClientId == options.SubscriberClientId))
        {
            configured.Add(new BackendClientOptions { ClientId = options.SubscriberClientId, Jwks = keys.Subscriber.PublicJwks() });
        }

        return configured;
    }

    /// <summary>
    /// A SMART Backend Services client: confidential, no secret, authenticated by a JWT signed with a key of its
    /// JWKS (<c>private_key_jwt</c>), allowed the <c>client_credentials</c> grant only.
    /// </summary>
    private static async Task RegisterBackendClientAsync(IOpenIddictApplicationManager manager, BackendClientOptions backend, CancellationToken cancellationToken)
    {
        if (await manager.FindByClientIdAsync(backend.ClientId, cancellationToken) is { } existing)
        {
            await manager.DeleteAsync(existing, cancellationToken);
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = backend.ClientId,
            ClientType = ClientTypes.Confidential,
            DisplayName = backend.ClientId,
            JsonWebKeySet = string.IsNullOrWhiteSpace(backend.Jwks) ? UnusableKeySet() : new JsonWebKeySet(backend.Jwks),
        };
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials]);
        await manager.CreateAsync(descriptor, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// OpenIddict registers a secretless client only with a signing key. A client whose keys are at a URL gets
    /// them from there when it authenticates (<see cref="ClientJwksByUrl"/>); what is stored is the public half of
    /// a key made here and thrown away, which can verify nothing anyone can sign.
    /// </summary>
    private static JsonWebKeySet UnusableKeySet()
    {
        using var thrownAway = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        var q = thrownAway.ExportParameters(includePrivateParameters: false).Q;
        var set = new JsonWebKeySet();
        set.Keys.Add(new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            Crv = JsonWebKeyECTypes.P384,
            Use = JsonWebKeyUseNames.Sig,
            Kid = "fetched-from-jwks-url",
            X = Base64UrlEncoder.Encode(q.X),
            Y = Base64UrlEncoder.Encode(q.Y),
        });
        return set;
    }

    /// <summary>Authorization code with PKCE (required) and refresh; scopes are checked by the server, not per client.</summary>
    internal static void AddSmartPermissions(OpenIddictApplicationDescriptor descriptor)
    {
        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Authorization,
            Permissions.Endpoints.Token,
            Permissions.GrantTypes.AuthorizationCode,
            Permissions.GrantTypes.RefreshToken,
            Permissions.ResponseTypes.Code,
        ]);
        descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
    }
}
