namespace PatientVoice.Web.Invitations;

/// <summary>Composition of the one-time links' adapters (docs/adr/0029); the rules are in PatientVoice.Application.Invitations.</summary>
public static class InvitationServiceCollectionExtensions
{
    public static IServiceCollection AddInvitationLinks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<InvitationOptions>(configuration.GetSection(InvitationOptions.Section));
        services.AddSingleton<LinkSessions>();
        services.AddSingleton<InvitationLinks>();
        services.AddInvitationRateLimits();
        return services;
    }
}
