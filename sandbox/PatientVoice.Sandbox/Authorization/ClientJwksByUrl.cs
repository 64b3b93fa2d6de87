using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// OpenIddict checks a client assertion's signature against the JWKS stored with the client. A backend client
/// registered with <see cref="BackendClientOptions.JwksUrl"/> has its keys at that URL instead: when the
/// assertion's issuer is such a client, the signing keys come from <see cref="RemoteClientJwks"/>.
/// </summary>
internal sealed class ClientJwksByUrl(IOptions<SandboxOptions> options, RemoteClientJwks remote) : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<ClientJwksByUrl>()
            .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 600)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ValidTokenTypes.Count != 1 || !context.ValidTokenTypes.Contains(TokenTypeIdentifiers.Private.ClientAssertion)
            || context.TokenValidationParameters.IssuerSigningKeyResolver is not { } stored)
        {
            return ValueTask.CompletedTask;
        }

        var byUrl = options.Value.BackendClients
            .Where(c => !string.IsNullOrWhiteSpace(c.JwksUrl) && string.IsNullOrWhiteSpace(c.Jwks))
            .ToDictionary(c => c.ClientId, c => c.JwksUrl!, StringComparer.Ordinal);
        if (byUrl.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var cancellationToken = context.CancellationToken;
        // IdentityModel's resolver is synchronous; OpenIddict's own one blocks on the store the same way.
        context.TokenValidationParameters.IssuerSigningKeyResolver = (token, securityToken, kid, parameters)
            => securityToken?.Issuer is { } issuer && byUrl.TryGetValue(issuer, out var url)
                ? Task.Run(() => remote.SigningKeysAsync(url, kid, cancellationToken), cancellationToken).GetAwaiter().GetResult()
                : stored(token, securityToken, kid, parameters);
        return ValueTask.CompletedTask;
    }
}
