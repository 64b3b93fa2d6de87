namespace PatientVoice.Smart.Launch;

/// <summary>
/// A SMART launch step that failed. Each subtype is one failure a user sees a different message for; messages
/// name endpoints and OAuth error codes, never tokens.
/// </summary>
public abstract class SmartLaunchException : Exception
{
    protected SmartLaunchException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>The EHR's server could not be reached, did not answer in time, or answered with a server error.</summary>
public sealed class SmartServerUnreachableException(Uri endpoint, string message, Exception? inner = null)
    : SmartLaunchException(message, inner)
{
    public Uri Endpoint { get; } = endpoint;
}

/// <summary>The EHR's <c>.well-known/smart-configuration</c> is missing, not JSON, or not usable by this client (e.g. no S256).</summary>
public sealed class SmartConfigurationInvalidException(Uri fhirBaseUrl, string message, Exception? inner = null)
    : SmartLaunchException(message, inner)
{
    public Uri FhirBaseUrl { get; } = fhirBaseUrl;
}

/// <summary>The token endpoint refused the request with an OAuth error (<c>invalid_grant</c>, <c>invalid_client</c>, …).</summary>
public sealed class SmartTokenRefusedException(string error, string? errorDescription, int status)
    : SmartLaunchException($"The token endpoint refused the request ({status}): {error}{(errorDescription is null ? "" : " — " + errorDescription)}")
{
    /// <summary>The OAuth <c>error</c> code.</summary>
    public string Error { get; } = error;

    public string? ErrorDescription { get; } = errorDescription;

    public int Status { get; } = status;
}

/// <summary>The token endpoint answered success with a body that is not a usable token response.</summary>
public sealed class SmartTokenResponseInvalidException(string message, Exception? inner = null)
    : SmartLaunchException(message, inner);
