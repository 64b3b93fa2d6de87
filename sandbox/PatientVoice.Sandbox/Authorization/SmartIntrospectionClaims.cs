using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// SMART App Launch 2.2 §Token Introspection: an active access token's introspection names its <c>scope</c> and
/// launch context (<c>patient</c>, <c>fhirUser</c>). OpenIddict tells them only to the token's audiences (the
/// resource servers); SMART also tells the (authenticated, confidential) client the token was issued to.
/// </summary>
internal sealed class SmartIntrospectionClaims : IOpenIddictServerHandler<HandleIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleIntrospectionRequestContext>()
            .UseSingletonHandler<SmartIntrospectionClaims>()
            .SetOrder(OpenIddictServerHandlers.Introspection.AttachApplicationClaims.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleIntrospectionRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GenericTokenPrincipal is not { } principal || !principal.HasTokenType(TokenTypeIdentifiers.AccessToken)
            || context.Request.ClientId is not { Length: > 0 } caller
            || !(principal.GetPresenters().Contains(caller, StringComparer.Ordinal) || principal.HasAudience(caller)))
        {
            return ValueTask.CompletedTask;
        }

        context.Scopes.UnionWith(principal.GetScopes());
        foreach (var claim in new[] { SmartClaims.Patient, SmartClaims.FhirUser })
        {
            if (principal.GetClaim(claim) is { } value && !context.Claims.ContainsKey(claim))
            {
                context.Claims[claim] = value;
            }
        }

        return ValueTask.CompletedTask;
    }
}
