using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PatientVoice.Web.Clinicians.Presentation;

/// <summary>
/// Honours the EHR's <c>smart_style_url</c> as far as is safe: its JSON is fetched once (short timeout, small size) and
/// only colours, lengths and font names that match strict patterns become CSS custom properties on our page. Anything
/// else (or an unreachable URL) leaves our own style.
/// </summary>
public sealed partial class SmartStyle(IHttpClientFactory httpClients, TimeProvider time)
{
    public const string HttpClientName = "smart-style";
    private const int MaxBytes = 32 * 1024;
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);

    private static readonly Dictionary<string, (string Property, Regex Pattern)> Known = new(StringComparer.Ordinal)
    {
        ["color_background"] = ("--ehr-background", Colour()),
        ["color_text"] = ("--ehr-text", Colour()),
        ["color_highlight"] = ("--ehr-highlight", Colour()),
        ["color_error"] = ("--ehr-error", Colour()),
        ["color_success"] = ("--ehr-success", Colour()),
        ["dim_border_radius"] = ("--ehr-radius", Length()),
        ["dim_font_size"] = ("--ehr-font-size", Length()),
        ["dim_spacing_size"] = ("--ehr-spacing", Length()),
        ["font_family_body"] = ("--ehr-font-body", Font()),
        ["font_family_heading"] = ("--ehr-font-heading", Font()),
    };

    private readonly ConcurrentDictionary<string, (string Css, DateTimeOffset Fetched)> _cache = new(StringComparer.Ordinal);

    /// <summary>A <c>:root { --ehr-…: …; }</c> rule, or null when there is no usable style.</summary>
    public async Task<string?> CssAsync(string? styleUrl, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(styleUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return null;
        }

        if (_cache.TryGetValue(url.AbsoluteUri, out var cached) && time.GetUtcNow() - cached.Fetched < Keep)
        {
            return cached.Css.Length == 0 ? null : cached.Css;
        }

        var css = await FetchAsync(url, cancellationToken) ?? string.Empty;
        _cache[url.AbsoluteUri] = (css, time.GetUtcNow());
        return css.Length == 0 ? null : css;
    }

    /// <summary>The CSS for a style document (public for tests): only recognised, well-formed values.</summary>
    public static string ToCss(JsonElement style)
    {
        if (style.ValueKind != JsonValueKind.Object)
        {
            return string.Empty;
        }

        var rules = new StringBuilder();
        foreach (var property in style.EnumerateObject())
        {
            if (Known.TryGetValue(property.Name, out var known) && property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                var value = property.Value.ValueKind == JsonValueKind.Number
                    ? property.Value.GetDouble().ToString(CultureInfo.InvariantCulture) + "px"
                    : property.Value.GetString()!.Trim();
                if (value.Length <= 100 && known.Pattern.IsMatch(value))
                {
                    rules.Append(CultureInfo.InvariantCulture, $"{known.Property}:{value};");
                }
            }
        }

        return rules.Length == 0 ? string.Empty : ":root{" + rules + "}";
    }

    private async Task<string?> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var response = await httpClients.CreateClient(HttpClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxBytes)
            {
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[MaxBytes + 1];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), timeout.Token)) > 0)
            {
                read += n;
            }

            if (read > MaxBytes)
            {
                return null;
            }

            using var document = JsonDocument.Parse(buffer.AsMemory(0, read));
            return ToCss(document.RootElement);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(#[0-9a-fA-F]{3,8}|rgba?\([0-9.,%\s]{5,40}\)|[a-zA-Z]{3,20})$")]
    private static partial Regex Colour();

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3})?(px|rem|em|%)?$")]
    private static partial Regex Length();

    [GeneratedRegex(@"^[a-zA-Z0-9 ,'""-]{1,100}$")]
    private static partial Regex Font();
}
