namespace PatientVoice.Benchmarks;

/// <summary>
/// One HttpClient for all simulated clients, with a connection per client (no queueing in the pool), carrying a
/// valid bearer token of the server's test issuer (system scopes: no compartment narrowing; JWT validation and
/// the audit trail are part of every measured request).
/// </summary>
internal static class LoopbackClient
{
    public static HttpClient Create(Uri baseAddress, int connections)
    {
        var client = Unauthenticated(baseAddress, connections);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", PatientVoice.Testing.ServerProcess.Authorization());
        return client;
    }

    private static HttpClient Unauthenticated(Uri baseAddress, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };
}
