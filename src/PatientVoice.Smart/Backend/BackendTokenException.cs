namespace PatientVoice.Smart.Backend;

/// <summary>
/// No access token: discovery or the token endpoint failed. <see cref="StatusCode"/> is the HTTP status when there was
/// an answer; <see cref="Error"/> the OAuth error code (<c>invalid_client</c>, …) when the endpoint gave one.
/// </summary>
public sealed class BackendTokenException(string message, int? statusCode = null, string? error = null, Exception? inner = null)
    : Exception(message, inner)
{
    public int? StatusCode { get; } = statusCode;

    public string? Error { get; } = error;
}
