using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// What SMART Backend Services asks of an authentication JWT beyond OpenIddict's own checks (signature against
/// the client's registered JWKS, <c>iss</c> = <c>sub</c> = client id, expiry): <c>aud</c> is exactly this
/// server's token endpoint URL (OpenIddict also accepts the issuer and compares paths only), <c>exp</c> is at
/// most <see cref="SandboxOptions.MaxClientAssertionLifetime"/> ahead, and a <c>jti</c> is used once
/// (<see cref="ClientAssertionReplayCache"/>). Runs after OpenIddict has authenticated the client.
/// </summary>
internal sealed class ClientAssertionPolicy(IOptions<SandboxOptions> options, ClientAssertionReplayCache replays, TimeProvider clock)
    : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
            .UseSingletonHandler<ClientAssertionPolicy>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientSecret.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>The URL an assertion's <c>aud</c> must name.</summary>
    public static string TokenEndpoint(SandboxOptions options) => options.EhrUrl.TrimEnd('/') + "/connect/token";

    public ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(context.ClientAssertion))
        {
            return ValueTask.CompletedTask;
        }

        // OpenIddict has verified the signature; read the claims as the client wrote them.
        var token = new JsonWebToken(context.ClientAssertion);
        // SMART Backend Services: RS384 or ES384, and nothing else this server advertises.
        if (token.Alg is not ("RS384" or "ES384"))
        {
            return Reject(context, $"The client assertion is signed with {token.Alg}; this server accepts RS384 and ES384.");
        }

        var tokenEndpoint = TokenEndpoint(options.Value);
        if (!token.Audiences.Any(a => string.Equals(a.TrimEnd('/'), tokenEndpoint, StringComparison.Ordinal)))
        {
            return Reject(context, $"The client assertion's aud must be the token endpoint URL, {tokenEndpoint}.");
        }

        var now = clock.GetUtcNow();
        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp))
        {
            return Reject(context, "The client assertion has no exp.");
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(exp);
        if (expires <= now - ClockSkew || expires > now + options.Value.MaxClientAssertionLifetime + ClockSkew)
        {
            return Reject(context, $"The client assertion's exp must lie within {options.Value.MaxClientAssertionLifetime.TotalMinutes:0} minutes from now.");
        }

        if (string.IsNullOrEmpty(token.Id))
        {
            return Reject(context, "The client assertion has no jti.");
        }

        if (!replays.TryUse(token.Issuer, token.Id, expires + ClockSkew))
        {
            return Reject(context, "The client assertion's jti was already used.");
        }

        return ValueTask.CompletedTask;
    }

    private static ValueTask Reject(ProcessAuthenticationContext context, string description)
    {
        context.Reject(error: Errors.InvalidClient, description: description);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The <c>jti</c> values of accepted client assertions, per client, kept in memory until the assertion expires.</summary>
internal sealed class ClientAssertionReplayCache(TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string Client, string Jti), DateTimeOffset> _used = new();

    /// <summary>Records the jti; false when it was seen before and has not expired.</summary>
    public bool TryUse(string client, string jti, DateTimeOffset expires)
    {
        var now = clock.GetUtcNow();
        foreach (var expired in _used.Where(u => u.Value <= now).Select(u => u.Key).ToList())
        {
            _used.TryRemove(expired, out _);
        }

        return _used.TryAdd((client, jti), expires);
    }
}
