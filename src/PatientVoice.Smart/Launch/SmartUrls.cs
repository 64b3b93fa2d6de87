using System.Net;

namespace PatientVoice.Smart.Launch;

/// <summary>Rules for URLs this client will send a browser or a request to.</summary>
public static class SmartUrls
{
    /// <summary>
    /// An absolute <c>https</c> URL, or <c>http</c> to a loopback host (<c>localhost</c>, 127.0.0.0/8, <c>[::1]</c>),
    /// which is where development EHRs listen.
    /// </summary>
    public static bool IsSecureOrLoopback(Uri? url)
        => url is { IsAbsoluteUri: true }
           && string.IsNullOrEmpty(url.UserInfo)
           && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && IsLoopback(url)));

    public static bool IsLoopback(Uri url)
        => url.IsAbsoluteUri
           && (string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase)
               || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));

    /// <summary>
    /// A FHIR base URL in one spelling for comparing: scheme and host lower case, default port dropped, no
    /// trailing slash, no query or fragment. Two spellings of one base compare equal.
    /// </summary>
    public static string NormalizeBase(Uri url)
    {
        var builder = new UriBuilder(url) { Query = "", Fragment = "" };
        builder.Scheme = builder.Scheme.ToLowerInvariant();
        builder.Host = builder.Host.ToLowerInvariant();
        if (builder.Uri.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    /// <summary>The discovery document's URL for a FHIR base: <c>{base}/.well-known/smart-configuration</c>.</summary>
    public static Uri SmartConfiguration(Uri fhirBaseUrl) => new(NormalizeBase(fhirBaseUrl) + "/.well-known/smart-configuration");
}
