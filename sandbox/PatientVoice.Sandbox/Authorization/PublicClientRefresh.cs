using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// RFC 6749 §6 lets a public client refresh without identifying itself (it has no credentials to send), and the SMART
/// JavaScript client (npm <c>fhirclient</c>) does: it posts only <c>grant_type</c> and <c>refresh_token</c>, which
/// OpenIddict refuses ("The mandatory 'client_id' parameter is missing"). Before the request is validated, this
/// handler reads the refresh token (OpenIddict's own validation: signature, lifetime, not revoked) and, when every
/// client it was issued to is a public client, names that client as the request's <c>client_id</c>. Everything
/// else is left to OpenIddict as before: a confidential client's refresh token still needs the client's
/// credentials, and any other request without <c>client_id</c> is still refused.
/// </summary>
internal sealed class PublicClientRefresh(IOpenIddictServerDispatcher dispatcher, IOpenIddictApplicationManager applications)
    : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<PublicClientRefresh>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!request.IsRefreshTokenGrantType() || !string.IsNullOrEmpty(request.ClientId) || string.IsNullOrEmpty(request.RefreshToken))
        {
            return;
        }

        var validation = new ValidateTokenContext(context.Transaction)
        {
            Token = request.RefreshToken,
            DisablePresenterValidation = true,
            ValidTokenTypes = { TokenTypeIdentifiers.RefreshToken },
        };
        await dispatcher.DispatchAsync(validation);
        if (validation.IsRejected || validation.Principal is not { } principal)
        {
            // Left as it was: OpenIddict refuses it with its own error.
            return;
        }

        var presenters = principal.GetPresenters();
        if (presenters.IsDefaultOrEmpty)
        {
            return;
        }

        foreach (var presenter in presenters)
        {
            if (await applications.FindByClientIdAsync(presenter, context.CancellationToken) is not { } application
                || !await applications.HasClientTypeAsync(application, ClientTypes.Public, context.CancellationToken))
            {
                return;
            }
        }

        request.ClientId = presenters[0];
    }
}
