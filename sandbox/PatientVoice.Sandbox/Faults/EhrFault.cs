namespace PatientVoice.Sandbox.Faults;

/// <summary>How the EHR's FHIR endpoint misbehaves while a fault is on.</summary>
public enum EhrFaultKind
{
    /// <summary>503 Service Unavailable, with Retry-After.</summary>
    Unavailable,

    /// <summary>429 Too Many Requests, with Retry-After.</summary>
    TooManyRequests,

    /// <summary>No answer until the fault ends (or the client gives up).</summary>
    Hang,
}

/// <summary>The fault in force, if any: what, and until when. One per sandbox process; tests switch it.</summary>
public sealed class EhrFaultSwitch(TimeProvider time)
{
    private readonly Lock _gate = new();
    private (EhrFaultKind Kind, DateTimeOffset Until)? _fault;

    public (EhrFaultKind Kind, DateTimeOffset Until)? Current
    {
        get
        {
            lock (_gate)
            {
                if (_fault is { } fault && fault.Until <= time.GetUtcNow())
                {
                    _fault = null;
                }

                return _fault;
            }
        }
    }

    public void TurnOn(EhrFaultKind kind, TimeSpan period)
    {
        lock (_gate)
        {
            _fault = (kind, time.GetUtcNow() + period);
        }
    }

    public void TurnOff()
    {
        lock (_gate)
        {
            _fault = null;
        }
    }
}
