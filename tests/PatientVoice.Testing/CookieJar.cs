namespace PatientVoice.Testing;

/// <summary>
/// A browser's cookies for an HTTP client that follows pages by hand (the test browser, the load harness's virtual
/// users): per site (host and port), what Set-Cookie left, sent back with each request; expired or emptied cookies
/// removed. Not thread-safe: one per user.
/// </summary>
public sealed class CookieJar
{
    private readonly Dictionary<string, Dictionary<string, string>> _sites = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The value of <paramref name="name"/> held for <paramref name="site"/>, or null.</summary>
    public string? Get(Uri site, string name)
        => _sites.TryGetValue(site.Authority, out var jar) && jar.TryGetValue(name, out var value) ? value : null;

    /// <summary>Adds the Cookie header the request's site should get, if any.</summary>
    public void AddTo(HttpRequestMessage request)
    {
        if (_sites.TryGetValue(request.RequestUri!.Authority, out var jar) && jar.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
        }
    }

    /// <summary>Keeps what the response's Set-Cookie headers say for <paramref name="site"/>; returns those headers.</summary>
    public IReadOnlyList<string> Take(Uri site, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var headers))
        {
            return [];
        }

        var taken = headers.ToList();
        foreach (var header in taken)
        {
            Store(site.Authority, header);
        }

        return taken;
    }

    private void Store(string authority, string header)
    {
        var parts = header.Split(';', StringSplitOptions.TrimEntries);
        var equals = parts[0].IndexOf('=', StringComparison.Ordinal);
        var (name, value) = (parts[0][..equals], parts[0][(equals + 1)..]);
        var expired = parts.Skip(1).Any(p => p.Equals("max-age=0", StringComparison.OrdinalIgnoreCase)
            || (p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase)
                && DateTimeOffset.TryParse(p["expires=".Length..], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                && at < DateTimeOffset.UtcNow));
        if (!_sites.TryGetValue(authority, out var jar))
        {
            _sites[authority] = jar = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        if (expired || value.Length == 0)
        {
            jar.Remove(name);
        }
        else
        {
            jar[name] = value;
        }
    }
}
