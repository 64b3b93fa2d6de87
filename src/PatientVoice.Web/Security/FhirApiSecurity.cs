using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Storage;
using PatientVoice.Web.Security.Audit;

namespace PatientVoice.Web.Security;

/// <summary>
/// Wires the FHIR API's security: a JwtBearer scheme per trusted issuer (<c>Security:Issuers</c>), Microsoft
/// Entra ID through Microsoft.Identity.Web when <c>Security:Entra</c> is present, one policy scheme
/// (<see cref="Scheme"/>) that hands a token to the scheme of its <c>iss</c>, the authorization policy the
/// <c>/fhir</c> group requires, the SMART scope policy, the compartment-aware store and the audit trail.
/// None of it is a default scheme: pages keep their own (the SMART session cookie).
/// </summary>
public static class FhirApiSecurity
{
    public const string Scheme = "FhirBearer";
    public const string Policy = "FhirApi";
    public const string EntraScheme = "FhirBearer.Entra";

    /// <summary>Asymmetric signatures only: no <c>none</c>, no HMAC (a public key used as an HMAC secret proves nothing).</summary>
    public static readonly IReadOnlyList<string> Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static string IssuerScheme(int index) => $"{Scheme}.{index}";

    /// <summary>Registers everything; call after the resource store is registered (its store is wrapped).</summary>
    public static IServiceCollection AddFhirApiSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SecurityOptions>(configuration.GetSection(SecurityOptions.Section));
        var security = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        var issuers = security.Issuers
            .Where(i => !string.IsNullOrWhiteSpace(i.Issuer))
            .ToList();

        var authentication = services.AddAuthentication();
        var schemeByIssuer = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var index = 0; index < issuers.Count; index++)
        {
            var issuer = issuers[index];
            var scheme = IssuerScheme(index);
            schemeByIssuer.TryAdd(issuer.Issuer!, scheme);
            authentication.AddJwtBearer(scheme, options => ConfigureIssuer(options, issuer, $"{SecurityOptions.Section}:Issuers:{index}", security.RememberedTokens));
        }

        // Read once, as the schemes are registered once: the selector below routes to the Entra scheme only when it exists
        // (asking the configuration on every request walked its tree each time).
        var entra = configuration.GetSection(SecurityOptions.EntraSection);
        var entraConfigured = entra.Exists();
        if (entraConfigured)
        {
            authentication.AddMicrosoftIdentityWebApi(entra, EntraScheme);
            services.Configure<JwtBearerOptions>(EntraScheme, options =>
            {
                options.TokenValidationParameters.ValidAlgorithms = Algorithms;
                options.TokenValidationParameters.RequireSignedTokens = true;
                options.TokenValidationParameters.RequireExpirationTime = true;
            });
        }

        // A token of no trusted issuer (or no token) goes to a scheme that trusts nothing and fetches nothing:
        // always a 401 challenge, never a key download on an attacker's say-so.
        const string untrusted = Scheme + ".Untrusted";
        authentication.AddJwtBearer(untrusted, options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuers = [],
                ValidateAudience = true,
                ValidAudiences = [],
                RequireSignedTokens = true,
                ValidAlgorithms = Algorithms,
                IssuerSigningKeys = [],
            };
        });

        var routes = new BearerSchemeRoutes(security.RememberedTokens, authorization => SchemeFor(authorization, schemeByIssuer, entraConfigured));
        authentication.AddPolicyScheme(Scheme, "FHIR API bearer token", options =>
            options.ForwardDefaultSelector = context => routes.SchemeFor(context.Request.Headers.Authorization.ToString()) ?? untrusted);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());

        services.AddHttpContextAccessor();
        services.AddSingleton<PatientCompartment>();
        services.AddSingleton<SmartSecurityMetadata>();
        services.AddSingleton<IFhirAccessPolicy, ScopeAccessPolicy>();
        // A subscription records what its creator's token could read (docs/adr/0023).
        services.Replace(ServiceDescriptor.Singleton<PatientVoice.Application.Subscriptions.ISubscriberAccess, RequestSubscriberAccess>());
        services.AddSingleton<AuditTrail>();
        services.AddHostedService<AuditEventWriter>();
        DecorateStore(services);
        return services;
    }

    /// <summary>The scheme for a bearer token's issuer (read unverified, only to route it: the scheme verifies), or null.</summary>
    public static string? SchemeFor(string authorization, IReadOnlyDictionary<string, string> schemeByIssuer, bool entra)
    {
        const string prefix = "Bearer ";
        if (!authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string issuer;
        try
        {
            issuer = new JsonWebToken(authorization[prefix.Length..].Trim()).Issuer;
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (SecurityTokenException)
        {
            return null;
        }

        if (schemeByIssuer.TryGetValue(issuer, out var scheme))
        {
            return scheme;
        }

        return entra && (issuer.StartsWith("https://login.microsoftonline.com/", StringComparison.OrdinalIgnoreCase)
            || issuer.StartsWith("https://sts.windows.net/", StringComparison.OrdinalIgnoreCase)) ? EntraScheme : null;
    }

    private static void ConfigureIssuer(JwtBearerOptions options, TrustedIssuerOptions issuer, string section, int rememberedTokens)
    {
        if (string.IsNullOrWhiteSpace(issuer.Audience))
        {
            throw new InvalidOperationException($"{section}:Audience is required: the aud this API's tokens carry (its FHIR base URL, e.g. http://localhost:5000/fhir).");
        }

        // A token found valid once is not verified again while nothing its validity depends on has changed (docs/adr/0032).
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(new RememberingTokenHandler(rememberedTokens));
        options.MapInboundClaims = false;
        options.TokenValidationParameters = ValidationParameters(issuer);
        if (!string.IsNullOrWhiteSpace(issuer.Jwks))
        {
            return; // the keys are in the parameters
        }

        if (!string.IsNullOrWhiteSpace(issuer.JwksUrl))
        {
            options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                issuer.JwksUrl, new JwksConfigurationRetriever(issuer.Issuer!), new HttpDocumentRetriever { RequireHttps = RequireHttps(issuer.JwksUrl, section + ":JwksUrl") });
        }
        else if (!string.IsNullOrWhiteSpace(issuer.Authority))
        {
            options.Authority = issuer.Authority;
            options.RequireHttpsMetadata = RequireHttps(issuer.Authority, section + ":Authority");
        }
        else
        {
            throw new InvalidOperationException($"{section} needs JwksUrl, Authority or Jwks: where the issuer's signing keys are.");
        }
    }

    /// <summary>
    /// What a trusted issuer's tokens are checked against: its <c>iss</c>, our <c>aud</c>, lifetime with its clock skew, an
    /// asymmetric signature, and its keys when they are given inline (<c>Jwks</c>; else the scheme fetches them).
    /// </summary>
    public static TokenValidationParameters ValidationParameters(TrustedIssuerOptions issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        return new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = issuer.Issuer,
            ValidateAudience = true,
            ValidAudience = issuer.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidAlgorithms = Algorithms,
            ClockSkew = issuer.ClockSkew,
            NameClaimType = "sub",
            IssuerSigningKeys = string.IsNullOrWhiteSpace(issuer.Jwks) ? null : new JsonWebKeySet(issuer.Jwks).GetSigningKeys(),
        };
    }

    // Keys fetched over plain HTTP could be swapped in transit: only a loopback address (a local sandbox) may use it.
    private static bool RequireHttps(string url, string key)
    {
        var uri = new Uri(url, UriKind.Absolute);
        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return true;
        }

        var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address));
        return loopback ? false : throw new InvalidOperationException($"{key} must be https (plain http only for a loopback address): {url}");
    }

    private static void DecorateStore(IServiceCollection services)
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(IResourceStore) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("AddFhirApiSecurity wraps the resource store: register the store first.");
        services.Remove(descriptor);
        services.AddSingleton<IResourceStore>(sp => new CompartmentResourceStore(
            descriptor.ImplementationInstance as IResourceStore
                ?? (descriptor.ImplementationFactory is { } factory ? (IResourceStore)factory(sp) : (IResourceStore)ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!)),
            sp.GetRequiredService<IHttpContextAccessor>(),
            sp.GetRequiredService<PatientCompartment>()));
    }
}
