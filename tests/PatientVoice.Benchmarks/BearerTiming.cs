using System.Diagnostics;
using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Testing;
using PatientVoice.Web.Security;

namespace PatientVoice.Benchmarks;

/// <summary>
/// The bearer check alone, in one process: a client's ES256 token validated again and again on a trusted issuer's
/// parameters (<see cref="FhirApiSecurity.ValidationParameters"/>), by the SDK's <see cref="JsonWebTokenHandler"/> (every
/// request verified in full, as before ADR 0032) and by <see cref="RememberingTokenHandler"/>, in alternating rounds.
/// Over HTTP the difference is a fraction of a request's CPU and drowns in the run-to-run noise; here it is measured alone.
/// Run: dotnet run -c Release --project tests/PatientVoice.Benchmarks -- bearer [--threads 2] [--seconds 5] [--rounds 3] [--tokens 16]
/// </summary>
internal static class BearerTiming
{
    private const string Audience = "http://127.0.0.1/fhir";

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var threads = args.Int("threads", 2);
        var seconds = args.Int("seconds", 5);
        var rounds = args.Int("rounds", 3);
        var tokenCount = args.Int("tokens", 16);
        var parameters = FhirApiSecurity.ValidationParameters(new TrustedIssuerOptions { Issuer = TestTokens.Issuer, Audience = Audience, Jwks = TestTokens.Jwks });
        var tokens = Enumerable.Range(0, tokenCount).Select(i => TestTokens.Create(Audience, TestTokens.AllAccess, patient: $"p{i}")).ToArray();

        var handlers = new (string Name, TokenHandler Handler)[]
        {
            ("full (JsonWebTokenHandler)", new JsonWebTokenHandler { MapInboundClaims = false }),
            ("remembered (RememberingTokenHandler)", new RememberingTokenHandler(new SecurityOptions().RememberedTokens) { MapInboundClaims = false }),
        };
        foreach (var (name, handler) in handlers)
        {
            for (var i = 0; i < 2_000; i++)
            {
                var result = await handler.ValidateTokenAsync(tokens[i % tokens.Length], parameters.Clone());
                if (!result.IsValid)
                {
                    Console.Error.WriteLine($"{name} refused a valid token: {result.Exception?.Message}");
                    return 1;
                }
            }
        }

        Console.WriteLine($"{tokenCount} ES256 tokens round-robin (one per client), {threads} threads, {seconds} s per round, {Environment.ProcessorCount} cores");
        Console.WriteLine("| round | handler | validations/s | process CPU µs per validation | load average |");
        Console.WriteLine("|---|---|---:|---:|---|");
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, handler) in round % 2 == 1 ? handlers : handlers.Reverse())
            {
                var (count, cpu, refused) = await MeasureAsync(handler, parameters, tokens, threads, TimeSpan.FromSeconds(seconds));
                if (refused > 0)
                {
                    Console.Error.WriteLine($"{name} refused {refused} valid tokens");
                    return 1;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round} | {name} | {count / (double)seconds:F0} | {cpu.TotalMicroseconds / count:F1} | {File.ReadAllText("/proc/loadavg").Split(' ')[0]} |"));
            }
        }

        return 0;
    }

    private static async Task<(long Count, TimeSpan Cpu, long Refused)> MeasureAsync(TokenHandler handler, TokenValidationParameters parameters,
        string[] tokens, int threads, TimeSpan duration)
    {
        long count = 0;
        long refused = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            for (var i = t; stop.Elapsed < duration; i++)
            {
                // A scheme clones its parameters per request (JwtBearerHandler); so does this.
                var result = await handler.ValidateTokenAsync(tokens[i % tokens.Length], parameters.Clone());
                if (result.IsValid)
                {
                    Interlocked.Increment(ref count);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (count, Process.GetCurrentProcess().TotalProcessorTime - cpuBefore, refused);
    }
}
