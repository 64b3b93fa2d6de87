using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// SMART Backend Services fixes the authentication JWT's <c>typ</c> header to <c>JWT</c>, while OpenIddict 7
/// expects client assertions typed <c>client-authentication+jwt</c>: when only a client assertion is expected,
/// <see cref="AcceptJwt"/> lets <c>JWT</c> through signature validation and <see cref="MarkAsClientAssertion"/>
/// corrects the token type OpenIddict then infers (an identity token, from the generic <c>typ</c>). SMART also
/// names the token endpoint URL as <c>aud</c>, where OpenIddict 7 expects the issuer: both are accepted here.
/// </summary>
internal static class SmartAssertionType
{
    public static OpenIddictServerHandlerDescriptor AcceptJwtDescriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<AcceptJwt>()
            .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public static OpenIddictServerHandlerDescriptor MarkAsClientAssertionDescriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<MarkAsClientAssertion>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidatePrincipal.Descriptor.Order - 100)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private static bool ExpectsOnlyClientAssertion(ValidateTokenContext context)
        => context.ValidTokenTypes.Count == 1 && context.ValidTokenTypes.Contains(TokenTypeIdentifiers.Private.ClientAssertion);

    internal sealed class AcceptJwt(IOptions<SandboxOptions> options) : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public ValueTask HandleAsync(ValidateTokenContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (ExpectsOnlyClientAssertion(context))
            {
                // SMART: aud is the token endpoint URL (OpenIddict 7 expects the issuer); ClientAssertionPolicy insists on it.
                context.ValidAudiences.Add(ClientAssertionPolicy.TokenEndpoint(options.Value));
            }

            if (ExpectsOnlyClientAssertion(context) && context.TokenValidationParameters.ValidTypes is { } types
                && !types.Contains(JsonWebTokenTypes.GenericJsonWebToken, StringComparer.OrdinalIgnoreCase))
            {
                context.TokenValidationParameters.ValidTypes = [.. types, JsonWebTokenTypes.GenericJsonWebToken];
            }

            return ValueTask.CompletedTask;
        }
    }

    internal sealed class MarkAsClientAssertion : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public ValueTask HandleAsync(ValidateTokenContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (ExpectsOnlyClientAssertion(context) && context.Principal is { } principal
                && !principal.HasTokenType(TokenTypeIdentifiers.Private.ClientAssertion))
            {
                principal.SetTokenType(TokenTypeIdentifiers.Private.ClientAssertion);
            }

            return ValueTask.CompletedTask;
        }
    }
}
