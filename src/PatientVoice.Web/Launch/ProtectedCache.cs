using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;

namespace PatientVoice.Web.Launch;

/// <summary>
/// Pending launches and sessions in <see cref="IDistributedCache"/> (in memory by default; register a shared
/// cache and shared Data Protection keys when several PatientVoice instances serve one site), encrypted with
/// Data Protection so tokens are never at rest in the clear. Keys are hashes, never the secret values themselves.
/// </summary>
public sealed class ProtectedCache(IDistributedCache cache, IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("PatientVoice.Web.Launch.v1");

    public static string Key(string kind, string secret)
        => $"patientvoice:{kind}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))}";

    public async Task SetAsync<T>(string key, T value, DistributedCacheEntryOptions options, CancellationToken cancellationToken)
        => await cache.SetAsync(key, _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(value)), options, cancellationToken);

    public async Task<T?> GetAsync<T>(string key, CancellationToken cancellationToken)
        where T : class
    {
        var bytes = await cache.GetAsync(key, cancellationToken);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(_protector.Unprotect(bytes));
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            // Written with keys this instance no longer has, or by an older shape: as good as absent.
            await cache.RemoveAsync(key, cancellationToken);
            return null;
        }
    }

    public Task RemoveAsync(string key, CancellationToken cancellationToken) => cache.RemoveAsync(key, cancellationToken);
}
