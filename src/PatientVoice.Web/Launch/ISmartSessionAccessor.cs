namespace PatientVoice.Web.Launch;

/// <summary>The SMART session of the current request (see <see cref="SmartSession"/>).</summary>
public interface ISmartSessionAccessor
{
    /// <summary>The session of this request, or null when the browser has none or it has ended.</summary>
    Task<SmartSession?> GetAsync(HttpContext context, CancellationToken cancellationToken);
}
