using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientVoice.Smart;
using PatientVoice.Smart.Launch;

namespace PatientVoice.Web.Launch;

public static class SmartLaunchServiceCollectionExtensions
{
    /// <summary>The anti-forgery cookie, renamed so <see cref="SessionCookieSecurity"/> marks it for iframes like the others.</summary>
    public const string AntiforgeryCookie = "pv-af";

    /// <summary>
    /// The SMART launch and page sessions: the EHRs of <c>Smart:Ehrs</c>, the SMART client, pending launches and
    /// sessions (server side), the <see cref="SmartSessionPolicies.CookieScheme"/> cookie scheme, the page
    /// policies, <see cref="ISmartSessionAccessor"/> and <see cref="IEhrFhirClient"/>. Needs <c>app.UseCookiePolicy()</c>
    /// before <c>UseAuthentication()</c>.
    /// </summary>
    public static IServiceCollection AddSmartLaunch(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SmartLaunchOptions>(configuration.GetSection(SmartLaunchOptions.Section));
        services.AddSmartLaunchClient(o => configuration.GetSection("Smart:Client").Bind(o));
        services.TryAddSingleton(TimeProvider.System);
        services.AddDistributedMemoryCache();
        services.AddDataProtection();
        services.AddSingleton<EhrDirectory>();
        services.AddHostedService<EhrDirectoryCheck>();
        services.AddSingleton<ProtectedCache>();
        services.AddSingleton<PendingLaunchStore>();
        services.AddSingleton<SmartSessionStore>();
        services.AddSingleton<SmartLaunchHandler>();
        services.AddSingleton<SmartSessionTokens>();
        services.AddSingleton<ISmartSessionAccessor, SmartSessionAccessor>();
        services.AddSingleton<IEhrFhirClient, EhrFhirClient>();
        services.AddHttpClient(EhrFhirClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

        services.AddAuthentication()
            .AddCookie(SmartSessionPolicies.CookieScheme, o =>
            {
                o.Cookie.Name = SmartLaunchHandler.SessionCookie;
                o.Cookie.HttpOnly = true;
                o.Cookie.IsEssential = true;
                o.SlidingExpiration = true;
                o.Events = new SessionCookieEvents();
            });
        services.AddOptions<CookieAuthenticationOptions>(SmartSessionPolicies.CookieScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<SmartLaunchOptions>>((o, launch) => o.ExpireTimeSpan = launch.Value.SessionIdleTimeout);
        services.AddAuthorizationBuilder()
            .AddPolicy(SmartSessionPolicies.Patient, p => p.AddAuthenticationSchemes(SmartSessionPolicies.CookieScheme).RequireAuthenticatedUser()
                .RequireClaim(SmartSessionClaims.Role, nameof(SessionRole.Patient), nameof(SessionRole.RelatedPerson), nameof(SessionRole.Practitioner))
                .RequireClaim(SmartSessionClaims.Patient))
            .AddPolicy(SmartSessionPolicies.Clinician, p => p.AddAuthenticationSchemes(SmartSessionPolicies.CookieScheme).RequireAuthenticatedUser()
                .RequireClaim(SmartSessionClaims.Role, nameof(SessionRole.Practitioner)))
            .AddPolicy(SmartSessionClaims.AnySessionPolicy, p => p.AddAuthenticationSchemes(SmartSessionPolicies.CookieScheme).RequireAuthenticatedUser());

        services.AddSingleton<FramingPolicy>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AntiforgeryCookie;
            // X-Frame-Options: SAMEORIGIN would forbid every EHR iframe; FramingPolicy's frame-ancestors decides instead.
            o.SuppressXFrameOptionsHeader = true;
        });
        services.Configure<CookiePolicyOptions>(o =>
        {
            o.OnAppendCookie = c => MarkOurs(c.CookieName, c.Context, c.CookieOptions);
            o.OnDeleteCookie = c => MarkOurs(c.CookieName, c.Context, c.CookieOptions);
        });
        return services;
    }

    private static void MarkOurs(string name, HttpContext context, CookieOptions options)
    {
        if (name.StartsWith("pv-", StringComparison.Ordinal) || name == Localization.UiLanguageResolver.CookieName)
        {
            SessionCookieSecurity.Apply(context, options);
        }
    }

    /// <summary>Fails start-up on a bad <c>Smart:Ehrs</c> entry, with the key named, instead of at the first launch.</summary>
    private sealed class EhrDirectoryCheck(EhrDirectory directory, FramingPolicy framing) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = directory.All;
            _ = framing.HeaderValue;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
