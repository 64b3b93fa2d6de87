namespace PatientVoice.Smart;

/// <summary>A handle on this assembly (for tests and registration).</summary>
public static class SmartAssembly;
