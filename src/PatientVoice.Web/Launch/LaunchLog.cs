namespace PatientVoice.Web.Launch;

/// <summary>Launch and session events: ids, EHR names and outcomes only (never tokens, names or patient data).</summary>
internal static partial class LaunchLog
{
    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Launch started at EHR {Ehr} ({Kind}, {Audience}); trace {TraceId}")]
    public static partial void Started(ILogger logger, string ehr, string kind, string audience, string traceId);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Launch refused: {Failure}; trace {TraceId}")]
    public static partial void Refused(ILogger logger, string failure, string traceId);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Session {SessionId} started at EHR {Ehr} as {Role}; trace {TraceId}")]
    public static partial void SessionStarted(ILogger logger, string sessionId, string ehr, string role, string traceId);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Information, Message = "Session {SessionId}: access token refreshed")]
    public static partial void Refreshed(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Warning, Message = "Session {SessionId}: refresh failed ({Outcome})")]
    public static partial void RefreshFailed(ILogger logger, string sessionId, string outcome);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Information, Message = "Session {SessionId} ended ({Reason})")]
    public static partial void SessionEnded(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 4207, Level = LogLevel.Warning, Message = "EHR {Ehr} read {ResourceType}: {Outcome}")]
    public static partial void EhrReadFailed(ILogger logger, string ehr, string resourceType, string outcome);

    [LoggerMessage(EventId = 4208, Level = LogLevel.Information, Message = "EHR {Ehr} read {ResourceType}: not asked, the session's granted scopes do not cover it")]
    public static partial void EhrReadNotGranted(ILogger logger, string ehr, string resourceType);
}
