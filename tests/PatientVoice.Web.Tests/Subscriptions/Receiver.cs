using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Subscriptions;

/// <summary>How a receiver answers.</summary>
public enum ReceiverMode
{
    Ok,
    Fail500,
    Redirect,
    Slow,
}

/// <summary>
/// A subscriber's rest-hook endpoint: Kestrel on 127.0.0.1, keeping every notification bundle it was sent (and the
/// headers), answering as <see cref="Mode"/> says; it can be stopped and started again on the same port (down for a while).
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly int _port = FreePort.Next();
    private readonly ConcurrentQueue<(Bundle Bundle, string? Authorization)> _received = new();
    private WebApplication? _app;
    private int _pending;

    public string Endpoint => $"http://127.0.0.1:{_port}/hook";

    public ReceiverMode Mode { get; set; } = ReceiverMode.Ok;

    /// <summary>Requests the Slow mode is holding right now.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public IReadOnlyList<Bundle> Received => _received.Select(r => r.Bundle).ToList();

    public IReadOnlyList<string?> Authorizations => _received.Select(r => r.Authorization).ToList();

    public static async Task<Receiver> StartAsync(ReceiverMode mode = ReceiverMode.Ok)
    {
        var receiver = new Receiver { Mode = mode };
        await receiver.StartAsync();
        return receiver;
    }

    public async System.Threading.Tasks.Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hook", async (HttpContext http) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            try
            {
                FhirSerializer.Parse<Bundle>(body);
            }
            catch (Exception e)
            {
                return Results.Text(e.Message, statusCode: 400);
            }

            switch (Mode)
            {
                case ReceiverMode.Fail500:
                    Record(body, http);
                    return Results.StatusCode(500);
                case ReceiverMode.Redirect:
                    Record(body, http);
                    return Results.Redirect(Endpoint + "/elsewhere");
                case ReceiverMode.Slow:
                    Interlocked.Increment(ref _pending);
                    try
                    {
                        await System.Threading.Tasks.Task.Delay(TimeSpan.FromMinutes(2), http.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _pending);
                    }

                    return Results.Ok();
                default:
                    Record(body, http);
                    return Results.Ok();
            }
        });
        await app.StartAsync();
        _app = app;
    }

    public async System.Threading.Tasks.Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The notifications of one type (handshake, event-notification, heartbeat) received so far.</summary>
    public IReadOnlyList<Parameters> Statuses(string type)
        => Received.Select(b => (Parameters)b.Entry[0].Resource).Where(p => p.GetSingleValue<Code>("type")?.Value == type).ToList()!;

    /// <summary>Waits (up to a deadline) until <paramref name="done"/> holds of what was received.</summary>
    public async System.Threading.Tasks.Task WaitForAsync(Func<Receiver, bool> done, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The receiver did not get {what} within {seconds} s; it got {Received.Count} bundles.");
            }

            await System.Threading.Tasks.Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Record(string body, HttpContext http)
        => _received.Enqueue((FhirSerializer.Parse<Bundle>(body), http.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null));
}

/// <summary>Reading notification status Parameters.</summary>
public static class NotificationStatus
{
    public static IReadOnlyList<long> EventNumbers(this Parameters status)
        => status.Parameter.Where(p => p.Name == "notification-event")
            .Select(p => long.Parse(((FhirString)p.Part.Single(x => x.Name == "event-number").Value).Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public static string? Focus(this Parameters status)
        => status.Parameter.Where(p => p.Name == "notification-event").SelectMany(p => p.Part).Where(x => x.Name == "focus").Select(x => ((ResourceReference)x.Value).Reference).SingleOrDefault();
}
