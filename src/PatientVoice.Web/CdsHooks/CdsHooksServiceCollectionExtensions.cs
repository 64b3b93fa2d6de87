namespace PatientVoice.Web.CdsHooks;

public static class CdsHooksServiceCollectionExtensions
{
    /// <summary>CDS Hooks services and their trust (<c>CdsHooks:Clients:{n}:Issuer</c>, <c>:JwksUrl</c>).</summary>
    public static IServiceCollection AddCdsHooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<CdsHooksOptions>(configuration.GetSection(CdsHooksOptions.Section));
        services.AddHttpClient(JwksCache.HttpClientName);
        services.AddSingleton<JwksCache>();
        services.AddSingleton<JtiReplayCache>();
        services.AddSingleton<CdsJwtValidator>();
        return services;
    }
}
