using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PatientVoice.Smart.Launch;

namespace PatientVoice.Smart.Tests;

public sealed partial class PkceAndStateTests
{
    [Fact]
    public void A_pkce_verifier_is_43_to_128_unreserved_characters_and_its_challenge_is_the_base64url_sha256()
    {
        var pkce = Pkce.Create();

        Assert.InRange(pkce.Verifier.Length, 43, 128);
        Assert.Matches(Unreserved(), pkce.Verifier);
        var expected = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(pkce.Verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(expected, pkce.Challenge);
        Assert.Equal("S256", Pkce.Method);
    }

    [Fact]
    public void Every_pkce_verifier_is_new()
    {
        var verifiers = Enumerable.Range(0, 1000).Select(_ => Pkce.Create().Verifier).ToHashSet();

        Assert.Equal(1000, verifiers.Count);
    }

    [Fact]
    public void A_state_carries_at_least_122_bits_of_randomness_and_is_never_repeated()
    {
        var states = Enumerable.Range(0, 1000).Select(_ => LaunchState.Create()).ToList();

        Assert.All(states, s => Assert.Matches(Unreserved(), s));
        // Base64url carries 6 bits a character; 43 characters are 256 bits, from 32 random bytes.
        Assert.All(states, s => Assert.True(Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/') + "=").Length * 8 >= 122));
        Assert.Equal(1000, states.Distinct().Count());
    }

    [Fact]
    public void A_state_matches_only_itself()
    {
        var state = LaunchState.Create();

        Assert.True(LaunchState.Matches(state, state));
        Assert.False(LaunchState.Matches(state, state[..^1]));
        Assert.False(LaunchState.Matches(state, LaunchState.Create()));
        Assert.False(LaunchState.Matches(state, null));
    }

    [GeneratedRegex("^[A-Za-z0-9\\-._~]+$")]
    private static partial Regex Unreserved();
}
