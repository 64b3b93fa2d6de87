using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;

namespace PatientVoice.Web.Tests.Doors;

/// <summary>
/// The FHIR server with the EHR write-back switched on, so that every write that queues a delivery leaves its outbox
/// message and its Task (<c>Task?focus=…&amp;code=…|ehr-write-back</c>). The EHR it names is a loopback port where
/// nothing listens and the worker polls rarely: what is queued stays queued for the tests to count.
/// </summary>
public sealed class WriteBackServerFixture : FhirServerFixture
{
    private readonly string _keyPath = Path.Combine(Directory.CreateTempSubdirectory("patientvoice-doors-").FullName, "ehr-key.pem");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        File.WriteAllText(_keyPath, key.ExportPkcs8PrivateKeyPem());
        builder.UseSetting("EhrSync:Enabled", "true");
        builder.UseSetting("EhrSync:FhirBaseUrl", "http://127.0.0.1:9/fhir");
        builder.UseSetting("EhrSync:ClientId", "patientvoice-doors");
        builder.UseSetting("EhrSync:PrivateKeyPath", _keyPath);
        builder.UseSetting("EhrSync:KeyId", "doors");
        builder.UseSetting("EhrSync:PollInterval", "01:00:00");
    }
}
