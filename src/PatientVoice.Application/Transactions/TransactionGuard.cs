namespace PatientVoice.Application.Transactions;

/// <summary>
/// A conditional submission is resolved before it is extracted (extraction needs the response's id): the conditions of
/// <paramref name="Type"/> matched <paramref name="ExpectedId"/> (null: nothing). Inside the transaction they must
/// still match the same, or the write is refused with a 409 that a retry resolves.
/// </summary>
public sealed record TransactionGuard(string Type, IReadOnlyList<KeyValuePair<string, string>> Criteria, string? ExpectedId);
