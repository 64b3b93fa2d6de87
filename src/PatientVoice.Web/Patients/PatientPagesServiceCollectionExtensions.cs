using System.Globalization;
using System.IO.Compression;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.ResponseCompression;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Patients;

/// <summary>Composition of the patient pages (Pages/Patient, Patients/, wwwroot): one call each from Program.cs.</summary>
public static class PatientPagesServiceCollectionExtensions
{
    public static IServiceCollection AddPatientPages(this IServiceCollection services)
    {
        services.AddRazorPages();
        services.Configure<RazorPagesOptions>(options =>
        {
            options.Conventions.AuthorizeFolder("/Patient", SmartSessionPolicies.Patient);
            options.Conventions.AllowAnonymousToPage("/Patient/Error");
        });
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(options =>
        {
            var cultures = PatientText.Languages.Select(l => new CultureInfo(l)).ToList();
            options.DefaultRequestCulture = new RequestCulture(cultures[0]);
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.FallBackToParentCultures = true;
            options.FallBackToParentUICultures = true;
            // The choice the person made (the lang cookie), else the browser, as the launch pages decide it
            // (UiLanguageResolver: a regional tag alone, es-MX, is Spanish; the app's invariant globalization gives
            // es-MX no parent culture to fall back to); on patient pages the patient's preferred language from the EHR
            // comes in between (PatientLanguageMiddleware).
            options.RequestCultureProviders =
            [
                new CustomRequestCultureProvider(context => Task.FromResult<ProviderCultureResult?>(
                    new ProviderCultureResult(Web.Localization.UiLanguages.Code(Web.Localization.UiLanguageResolver.Resolve(context.Request))))),
            ];
        });
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Optimal);
        services.AddSingleton<PatientContentSecurityPolicy>();
        services.AddScoped<PatientContextAccessor>();
        services.AddScoped<PatientQuestionnaires>();
        services.AddScoped<PatientResponses>();
        // Forms pre-filled by SDC $populate in process; the goal ids they carry checked on the way back (docs/adr/0008).
        services.AddScoped<PatientFormPopulation>();
        services.AddSingleton<FormStart>();
        services.AddScoped<PatientObservations>();
        services.AddScoped<CareTeamNames>();
        services.AddScoped<SharedItemReader>();
        services.AddScoped<MyCopy.MyCopyReader>();
        services.AddScoped<MyCopy.MyCopyPdf>();
        return services;
    }

    /// <summary>
    /// Static files (LHC-Forms under a versioned path, cached for a year; compressed, public files only), the page
    /// language, the patient pages' error page and their Content-Security-Policy. Call before authentication.
    /// </summary>
    public static WebApplication UsePatientPages(this WebApplication app)
    {
        app.UseWhen(IsStaticAsset, branch => branch.UseResponseCompression());
        // UTF-8 said in the header: LHC-Forms' FHIRPath parser holds non-ASCII data that breaks if read as Latin-1.
        var types = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript; charset=utf-8";
        types.Mappings[".css"] = "text/css; charset=utf-8";
        app.UsePrecompressedLForms(types);
        var served = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider(types.Mappings);
        served.Mappings[".br"] = "application/octet-stream";
        app.UseStaticFiles(new StaticFileOptions
        {
            ContentTypeProvider = served,
            OnPrepareResponse = context =>
            {
                PrecompressedAssets.PrepareResponse(context.Context);
                if (context.Context.Request.Path.StartsWithSegments("/lib/lforms", StringComparison.Ordinal))
                {
                    context.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
                }
            },
        });
        app.UseRequestLocalization();
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/patient", StringComparison.OrdinalIgnoreCase),
            branch =>
            {
                branch.UseExceptionHandler("/patient/error");
                // The original query is replaced (a POST to "?handler=Draft" must not look for that handler on the error
                // page); the status is kept, and says which message fits.
                branch.UseStatusCodePagesWithReExecute("/patient/error", "?status={0}");
                branch.UseMiddleware<PatientContentSecurityPolicy.Middleware>();
                branch.UseMiddleware<PatientLanguageMiddleware>();
            });
        return app;
    }

    private static bool IsStaticAsset(HttpContext context)
        => context.Request.Path.StartsWithSegments("/lib", StringComparison.Ordinal)
           || context.Request.Path.StartsWithSegments("/css", StringComparison.Ordinal)
           || context.Request.Path.StartsWithSegments("/js", StringComparison.Ordinal);
}
