using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// Creates the authorization server's database and registers PatientVoice as a confidential client (from
/// <c>Sandbox:PatientVoiceClient</c>), replacing a previous registration so configuration changes take effect.
/// </summary>
internal sealed class ClientRegistration(IServiceProvider services, IOptions<SandboxOptions> options) : IHostedService
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

        foreach (var backend in options.Value.BackendClients.Where(b => !string.IsNullOrWhiteSpace(b.ClientId) && !string.IsNullOrWhiteSpace(b.Jwks)))
        {
            await RegisterBackendClientAsync(manager, backend, cancellationToken);
        }
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
            JsonWebKeySet = new JsonWebKeySet(backend.Jwks),
        };
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials]);
        await manager.CreateAsync(descriptor, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
