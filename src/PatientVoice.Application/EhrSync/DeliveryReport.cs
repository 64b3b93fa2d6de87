namespace PatientVoice.Application.EhrSync;

/// <summary>Where a submission's write-back stands (the Task's <c>businessStatus</c>).</summary>
public enum DeliveryState
{
    /// <summary>Stored and waiting for the worker.</summary>
    Queued,

    /// <summary>Tried; the EHR could not take it yet (down, busy, slow); it will be tried again.</summary>
    Retrying,

    /// <summary>Every item is in the EHR, natively or inside the patient note.</summary>
    Delivered,

    /// <summary>Given up: something has no way into this EHR, or transient failures went on past the attempt limit.</summary>
    Failed,
}

/// <summary>How one item of a submission reached the EHR.</summary>
public enum ItemRoute
{
    /// <summary>Written as itself; <see cref="ItemOutcome.EhrReference"/> names it in the EHR.</summary>
    Delivered,

    /// <summary>Not writable there (refused, or not in its CapabilityStatement); the patient note that carries it was delivered.</summary>
    InPatientNote,

    /// <summary>No configured route worked; <see cref="ItemOutcome.Reason"/> says why.</summary>
    NotDelivered,
}

/// <summary>One item's outcome: our reference (<c>Goal/123</c>), its route, the EHR's absolute URL, and why a native write did not happen.</summary>
public sealed record ItemOutcome(string LocalReference, ItemRoute Route, string? EhrReference, string? Reason);

/// <summary>What one delivery attempt of a submission came to.</summary>
public sealed record DeliveryReport(DeliveryState State, string? Reason, IReadOnlyList<ItemOutcome> Items, TimeSpan? RetryAfter = null);
