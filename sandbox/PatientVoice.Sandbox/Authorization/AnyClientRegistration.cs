using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// The development switch <see cref="SandboxOptions.AllowAnyClient"/>: an authorize request from an unknown
/// client id registers it as a public client (PKCE required) with the redirect URI it names, and a known
/// public client learns a new redirect URI. Confidential clients are never changed. Runs before OpenIddict
/// checks the client id and redirect URI, which it then does as for any registered client.
/// </summary>
internal sealed class AnyClientRegistration(IOpenIddictApplicationManager applications, IOptions<SandboxOptions> options)
    : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<AnyClientRegistration>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!options.Value.AllowAnyClient || string.IsNullOrEmpty(context.ClientId)
            || !Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var redirect))
        {
            return;
        }

        var application = await applications.FindByClientIdAsync(context.ClientId, context.CancellationToken);
        if (application is null)
        {
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = context.ClientId,
                ClientType = ClientTypes.Public,
                DisplayName = context.ClientId,
            };
            descriptor.RedirectUris.Add(redirect);
            ClientRegistration.AddSmartPermissions(descriptor);
            await applications.CreateAsync(descriptor, context.CancellationToken);
            return;
        }

        if (await applications.HasClientTypeAsync(application, ClientTypes.Public, context.CancellationToken)
            && !(await applications.GetRedirectUrisAsync(application, context.CancellationToken)).Contains(redirect.AbsoluteUri, StringComparer.Ordinal))
        {
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, application, context.CancellationToken);
            descriptor.RedirectUris.Add(redirect);
            await applications.UpdateAsync(application, descriptor, context.CancellationToken);
        }
    }
}
