namespace PatientVoice.Storage.Indexing;

// STUB (to be replaced by the search work): one value of one search parameter of one resource.
/// <summary>A search-index row computed at write time.</summary>
public abstract record SearchIndexEntry(string ParameterName);
