namespace PatientVoice.Web.Launch;

/// <summary>Why a read from the session's EHR failed (pages show each differently).</summary>
public enum EhrRequestFailure
{
    /// <summary>The EHR did not answer, timed out, or answered 5xx or 429: try later.</summary>
    Unreachable,

    /// <summary>The session's tokens are no longer accepted and cannot be refreshed: the user must launch again.</summary>
    SessionEnded,

    /// <summary>The EHR refused this read (403, or another 4xx): the scopes granted do not cover it.</summary>
    Refused,

    /// <summary>
    /// Not asked: the session's granted scopes (the token response's <c>scope</c>) do not cover reading this type,
    /// so the request would only be refused. Nothing was sent to the EHR.
    /// </summary>
    NotGranted,
}

/// <summary>A read from the EHR that failed; the message names statuses, never resource content.</summary>
public sealed class EhrRequestException(EhrRequestFailure failure, string message, int? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    public EhrRequestFailure Failure { get; } = failure;

    /// <summary>The EHR's HTTP status, when it answered.</summary>
    public int? Status { get; } = status;
}
