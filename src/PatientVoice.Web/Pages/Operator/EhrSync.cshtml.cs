using System.Net;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PatientVoice.Storage.Outbox;
using PatientVoice.Application.EhrSync;

namespace PatientVoice.Web.Pages.Operator;

/// <summary>
/// <c>/operator/ehr-sync</c>: the write-backs to the EHR, newest first (queued, retrying with the last reason, delivered,
/// failed with the reason), each linked to its Task. Ids and the EHR's reasons only, no patient words. Served to
/// loopback clients only until operator sign-in exists.
/// </summary>
public sealed class EhrSyncModel(IOutbox outbox, IOptions<EhrSyncOptions> options) : PageModel
{
    public const int Shown = 200;

    public bool Enabled => options.Value.Enabled;

    public string? FhirBaseUrl => options.Value.FhirBaseUrl;

    public OutboxState? Filter { get; private set; }

    public IReadOnlyList<OutboxEntry> Entries { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? state, CancellationToken cancellationToken)
    {
        if (HttpContext.Connection.RemoteIpAddress is not { } address || !IPAddress.IsLoopback(address))
        {
            return NotFound();
        }

        SitePageContentSecurityPolicy.Apply(HttpContext);
        Filter = Enum.TryParse<OutboxState>(state, ignoreCase: true, out var parsed) ? parsed : null;
        Entries = await outbox.ListAsync(EhrSyncMessage.Topic, Filter, Shown, cancellationToken);
        return Page();
    }

    public static string Label(OutboxEntry entry) => entry.State switch
    {
        OutboxState.Completed => "delivered",
        OutboxState.Failed => "failed",
        _ when entry.Attempts == 0 => "queued",
        _ => "retrying",
    };

    public static string TaskId(OutboxEntry entry) => EhrSyncMessage.FromJson(entry.Payload).TaskId;
}
