namespace PatientVoice.Application.Export;

public static class ExportServiceCollectionExtensions
{
    /// <summary>Bulk Data export (section <c>Export</c>): the use case, the runner, the files on local disk and one worker per instance.</summary>
    public static IServiceCollection AddBulkExport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ExportOptions>().Bind(configuration.GetSection(ExportOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Folder), "Export:Folder is required.")
            .Validate(o => o.FileRetention > TimeSpan.Zero && o.Lease > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero,
                "Export:FileRetention, Lease, PollInterval and SweepInterval must be positive.")
            .Validate(o => o.MaxResourcesPerFile > 0 && o.PageSize > 0 && o.MaxAttempts > 0 && o.PatientsPerQuery > 0,
                "Export:MaxResourcesPerFile, PageSize, MaxAttempts and PatientsPerQuery must be positive.")
            .ValidateOnStart();
        services.AddSingleton<WorkerSignal<ExportWorker>>();
        services.AddSingleton<IExportFiles, LocalExportFiles>();
        services.AddSingleton<ExportRunner>();
        services.AddSingleton<BulkExport>();
        services.AddHostedService<ExportWorker>();
        return services;
    }
}
