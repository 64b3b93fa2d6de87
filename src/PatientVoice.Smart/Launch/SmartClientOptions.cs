namespace PatientVoice.Smart.Launch;

/// <summary>Behaviour of the SMART client's HTTP calls (not per EHR).</summary>
public sealed class SmartClientOptions
{
    /// <summary>The named <c>HttpClient</c> (IHttpClientFactory) every discovery and token request goes through.</summary>
    public const string HttpClientName = "PatientVoice.Smart";

    /// <summary>How long a discovery document is reused before it is read again.</summary>
    public TimeSpan DiscoveryCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one request to an EHR may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
