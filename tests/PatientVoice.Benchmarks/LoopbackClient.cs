using System.Net.Http.Headers;

namespace PatientVoice.Benchmarks;

/// <summary>
/// One HttpClient for all simulated clients, with a connection per client (no queueing in the pool), carrying a
/// valid bearer token of the server's test issuer (system scopes: no compartment narrowing; JWT validation and
/// the audit trail are part of every measured request). Like a real client, it takes a new token before the old one
/// expires (test tokens live 30 minutes), so a run may last as long as it needs.
/// </summary>
internal static class LoopbackClient
{
    public static HttpClient Create(Uri baseAddress, int connections) => new(new RenewingBearer(Handler(connections)))
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    private static SocketsHttpHandler Handler(int connections) => new()
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    };

    /// <summary>Sets the Authorization header of every request that has none, from a token renewed every 20 minutes.</summary>
    private sealed class RenewingBearer(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private static readonly TimeSpan Renew = TimeSpan.FromMinutes(20);
        private Token _token = Take();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Authorization is null && !request.Headers.Contains("Authorization"))
            {
                var token = Volatile.Read(ref _token);
                if (DateTimeOffset.UtcNow - token.Taken > Renew)
                {
                    token = Take();
                    Volatile.Write(ref _token, token);
                }

                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
            }

            return base.SendAsync(request, cancellationToken);
        }

        private static Token Take() => new(PatientVoice.Testing.ServerProcess.Authorization()["Bearer ".Length..], DateTimeOffset.UtcNow);

        private sealed record Token(string Value, DateTimeOffset Taken);
    }
}
