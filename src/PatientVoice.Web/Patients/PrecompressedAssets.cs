using Microsoft.Extensions.Primitives;

namespace PatientVoice.Web.Patients;

/// <summary>
/// LHC-Forms (≈ 3.3 MB of script and style) as compressed once at build time (<c>FILE.br</c>, precompress-lforms.mjs, or a publish; Brotli at its highest
/// quality) instead of compressed per response (<c>CompressionLevel.Optimal</c>, Brotli quality 4): about 20% fewer
/// bytes, which is what a patient on a slow phone network waits for (docs/benchmarks.md, slow phone). A browser that
/// does not accept br, or a build without the file, gets the response-compression path as before.
/// </summary>
public static class PrecompressedAssets
{
    private const string OriginalContentType = "pv-precompressed-content-type";

    /// <summary>Before the static files: a request for an LHC-Forms file that has a <c>.br</c> twin is served from it.</summary>
    public static IApplicationBuilder UsePrecompressedLForms(this IApplicationBuilder app, Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider types)
        => app.Use((context, next) =>
        {
            var path = context.Request.Path;
            if ((HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                && path.StartsWithSegments("/lib/lforms", StringComparison.Ordinal)
                && AcceptsBrotli(context.Request.Headers.AcceptEncoding)
                && types.TryGetContentType(path.Value!, out var contentType)
                && context.RequestServices.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider.GetFileInfo(path.Value + ".br").Exists)
            {
                context.Items[OriginalContentType] = contentType;
                context.Request.Path = path.Value + ".br";
            }

            return next(context);
        });

    /// <summary>From the static files' <c>OnPrepareResponse</c>: the headers of what the <c>.br</c> file stands for.</summary>
    public static void PrepareResponse(HttpContext context)
    {
        if (context.Items[OriginalContentType] is string contentType)
        {
            context.Response.ContentType = contentType;
            context.Response.Headers.ContentEncoding = "br";
            context.Response.Headers.Vary = "Accept-Encoding";
        }
    }

    private static bool AcceptsBrotli(StringValues acceptEncoding)
        => acceptEncoding.SelectMany(v => (v ?? "").Split(',')).Any(e =>
        {
            var parts = e.Split(';');
            return parts[0].Trim().Equals("br", StringComparison.OrdinalIgnoreCase) && !parts.Skip(1).Any(q => q.Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000");
        });
}
