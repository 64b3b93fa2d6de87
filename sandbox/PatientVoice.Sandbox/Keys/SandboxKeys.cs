using Microsoft.Extensions.Options;

namespace PatientVoice.Sandbox.Keys;

/// <summary>
/// The key pairs the sandbox keeps in its data folder: the one it signs CDS Hooks requests with (public half at
/// <c>/cds-hooks/jwks</c>), and the one PatientVoice's write-back authenticates with as the backend client
/// <see cref="SandboxOptions.PatientVoiceBackendClientId"/> (the sandbox registers its public half and hands
/// PatientVoice the private key file), and the one the EHR's own subscriber to PatientVoice's notifications signs in
/// with as <see cref="SandboxOptions.SubscriberClientId"/>.
/// </summary>
public sealed class SandboxKeys : IDisposable
{
    public const string CdsHooksKeyFile = "cds-hooks-signing-key.pem";
    public const string PatientVoiceBackendKeyFile = "patientvoice-backend-key.pem";
    public const string SubscriberKeyFile = "ehr-subscriber-key.pem";

    public SandboxKeys(IOptions<SandboxOptions> options)
    {
        var data = options.Value.DataDirectory;
        CdsHooks = EcKeyFile.LoadOrCreate(Path.Combine(data, CdsHooksKeyFile));
        PatientVoiceBackend = EcKeyFile.LoadOrCreate(Path.Combine(data, PatientVoiceBackendKeyFile));
        Subscriber = EcKeyFile.LoadOrCreate(Path.Combine(data, SubscriberKeyFile));
    }

    public EcKeyFile CdsHooks { get; }

    public EcKeyFile PatientVoiceBackend { get; }

    public EcKeyFile Subscriber { get; }

    public void Dispose()
    {
        CdsHooks.Dispose();
        PatientVoiceBackend.Dispose();
        Subscriber.Dispose();
    }
}
