using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PatientVoice.Application.Export;
using PatientVoice.Testing;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Export;

/// <summary>
/// The real host on a real SQLite file, with export files in its temporary folder and a clock the tests can move
/// (file expiry, lease expiry). The export worker polls rarely: a kick-off wakes it, so a test that queues a job
/// behind the kick-off's back decides when the worker sees it.
/// </summary>
public sealed class ExportServerFixture : FhirServerFixture
{
    public string ExportFolder { get; } = Directory.CreateTempSubdirectory("patientvoice-export-").FullName;

    internal AdjustableClock Clock { get; } = new();

    public static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    public ExportWorker Worker => Services.GetServices<IHostedService>().OfType<ExportWorker>().Single();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Export:Folder", ExportFolder);
        builder.UseSetting("Export:FileRetention", Retention.ToString());
        builder.UseSetting("Export:PollInterval", "00:10:00");
        builder.UseSetting("Export:RetryAfter", "00:00:01");
        builder.UseSetting("Export:MaxResourcesPerFile", "2");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(ExportFolder))
        {
            Directory.Delete(ExportFolder, recursive: true);
        }
    }
}
