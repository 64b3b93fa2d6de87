using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Sandbox.Subscriber;

namespace PatientVoice.Sandbox.Tests;

/// <summary>
/// The EHR's endpoint for PatientVoice's notifications takes only what carries the subscription's secret header and is
/// a notification Bundle; an event's response is read from PatientVoice's FHIR base with the EHR's own Backend Services
/// token and recorded for the chart, and one named anywhere else is never fetched (the token would go with it).
/// </summary>
public sealed class PatientVoiceNotificationTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private const string Path = "/patientvoice/notifications";

    [Fact]
    public async System.Threading.Tasks.Task A_notification_without_the_secret_is_401_and_a_body_that_is_not_a_notification_is_400()
    {
        var client = factory.CreateBrowserlessClient();
        var secret = factory.Services.GetRequiredService<PatientVoiceActivity>().AuthorizationHeader;

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Post(Heartbeat(), null))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Post(Heartbeat(), "Bearer not-the-secret"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(Post("{\"resourceType\":\"Patient\"}", secret))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(Post("not json", secret))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Post(Heartbeat(), secret))).StatusCode);
        Assert.NotNull(factory.Services.GetRequiredService<PatientVoiceActivity>().LastHeard);
    }

    [Fact]
    public async System.Threading.Tasks.Task An_event_is_read_from_patientvoice_with_the_ehrs_own_token_and_a_focus_anywhere_else_is_never_fetched()
    {
        var elsewhere = 0;
        string? authorization = null;
        await using var attacker = await TestHttpServer.StartAsync(e => e.MapGet("/fhir/QuestionnaireResponse/{id}", () => { Interlocked.Increment(ref elsewhere); return Results.NotFound(); }));
        await using var patientVoice = await TestHttpServer.StartAsync(e =>
        {
            e.MapGet("/fhir/QuestionnaireResponse/{id}", (HttpContext http, string id) =>
            {
                authorization = http.Request.Headers.Authorization.ToString();
                return Results.Text(FhirSerializer.ToJson(new QuestionnaireResponse
                {
                    Id = id,
                    Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
                    Questionnaire = "http://patientvoice.example.org/fhir/Questionnaire/my-goals|0.1.0",
                    Subject = new ResourceReference("Patient/maria-garcia"),
                    Authored = "2026-12-05T09:30:00Z",
                }), "application/fhir+json");
            });
            e.MapGet("/fhir/Questionnaire", () => Results.Text(FhirSerializer.ToJson(new Bundle
            {
                Type = Bundle.BundleType.Searchset,
                Entry = [new Bundle.EntryComponent { Resource = new Questionnaire { Id = "my-goals", Title = "My goals", Status = PublicationStatus.Active } }],
            }), "application/fhir+json"));
        });
        // The sandbox in process, with PatientVoice at the stub: the EHR's own token endpoint answered in process, anything else over the network.
        WebApplicationFactory<Program>? ehr = null;
        ehr = factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Sandbox:AppUrl", patientVoice.BaseUrl);
            b.ConfigureTestServices(services => services.AddHttpClient(PatientVoiceApi.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new ToThisEhrInProcess(() => ehr!.Server.CreateHandler())));
        });
        await using var _ = ehr;
        var client = ehr.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(SandboxFactory.EhrUrl) });
        var activity = ehr.Services.GetRequiredService<PatientVoiceActivity>();
        var status = StatusOf("event-notification");
        status.Parameter.Add(Event(7, attacker.BaseUrl + "/fhir/QuestionnaireResponse/stolen"));
        status.Parameter.Add(Event(8, patientVoice.BaseUrl + "/fhir/QuestionnaireResponse/qr-8"));

        var response = await client.SendAsync(Post(FhirSerializer.ToJson(new Bundle { Type = Bundle.BundleType.History, Entry = [new Bundle.EntryComponent { Resource = status }] }), activity.AuthorizationHeader));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, elsewhere);
        var recorded = Assert.Single(activity.For("maria-garcia"));
        Assert.Equal((8L, "QuestionnaireResponse/qr-8", "My goals"), (recorded.EventNumber, recorded.Response, recorded.Title));
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        Assert.NotEqual(activity.AuthorizationHeader, authorization);
        var chart = await client.GetStringAsync("/chart/maria-garcia?handler=Section");
        Assert.Contains("data-response=\"QuestionnaireResponse/qr-8\"", chart, StringComparison.Ordinal);
    }

    private static Parameters.ParameterComponent Event(int number, string focus) => new()
    {
        Name = "notification-event",
        Part =
        [
            new Parameters.ParameterComponent { Name = "event-number", Value = new FhirString(number.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            new Parameters.ParameterComponent { Name = "focus", Value = new ResourceReference(focus) },
        ],
    };

    /// <summary>Requests to the in-process EHR (http://localhost) go to its test server; the rest over real sockets.</summary>
    private sealed class ToThisEhrInProcess(Func<HttpMessageHandler> ehr) : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
    {
        private HttpMessageInvoker? _ehr;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => request.RequestUri!.Host == "localhost" && request.RequestUri.Port == 80
                ? (_ehr ??= new HttpMessageInvoker(ehr())).SendAsync(request, cancellationToken)
                : base.SendAsync(request, cancellationToken);
    }

    private static HttpRequestMessage Post(string body, string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(body, Encoding.UTF8, "application/fhir+json") };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return request;
    }

    private static string Heartbeat()
        => FhirSerializer.ToJson(new Bundle { Type = Bundle.BundleType.History, Entry = [new Bundle.EntryComponent { Resource = StatusOf("heartbeat") }] });

    private static Parameters StatusOf(string type)
    {
        var status = new Parameters();
        status.Add("type", new Code(type));
        status.Add("events-since-subscription-start", new FhirString("0"));
        return status;
    }
}
