using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// OpenIddict returns a refresh token only for <c>offline_access</c>; SMART also grants one for
/// <c>online_access</c>, valid while the user's session lives (<see cref="UserSessions"/>; the token endpoint
/// checks the session on every refresh and caps the refresh token's lifetime at the session's end).
/// </summary>
internal sealed class OnlineAccessRefreshTokens : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<OnlineAccessRefreshTokens>()
            .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EndpointType == OpenIddictServerEndpointType.Token && context.Principal is { } principal
            && principal.HasScope(SmartScopes.OnlineAccess))
        {
            context.GenerateRefreshToken = true;
            context.IncludeRefreshToken = true;
        }

        return ValueTask.CompletedTask;
    }
}
