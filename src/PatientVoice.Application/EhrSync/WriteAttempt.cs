namespace PatientVoice.Application.EhrSync;

/// <summary>How one write to the EHR ended.</summary>
public enum WriteAttemptKind
{
    /// <summary>2xx: the resource is there (created, updated, or found by the conditional write).</summary>
    Written,

    /// <summary>A 4xx other than 401, 408 and 429: the EHR will not take this resource; retrying cannot help.</summary>
    Refused,

    /// <summary>No answer, a timeout, 408, 429, 5xx, or no token: worth trying again later.</summary>
    Transient,
}

/// <summary>A write's outcome: the EHR's relative reference (<c>Goal/456</c>) when written, else why not; the Retry-After the EHR asked for.</summary>
public sealed record WriteAttempt(WriteAttemptKind Kind, string? EhrReference, string? Reason, TimeSpan? RetryAfter = null)
{
    public static WriteAttempt Transient(string reason, TimeSpan? retryAfter = null) => new(WriteAttemptKind.Transient, null, reason, retryAfter);
}
