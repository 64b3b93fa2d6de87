using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using PatientVoice.Web.Pages.Errors;

namespace PatientVoice.Web.Tests.Launch;

public sealed class PageExceptionHandlerTests
{
    [Fact]
    public async Task An_unexpected_failure_on_a_page_shows_a_short_page_in_the_users_language_without_the_exception()
    {
        var context = new DefaultHttpContext { TraceIdentifier = "trace-1" };
        context.Request.Path = "/patient";
        context.Request.Headers.Accept = "text/html";
        context.Request.Headers.AcceptLanguage = "es";
        context.Response.Body = new MemoryStream();

        var handled = await new PageExceptionHandler(NullLogger<PageExceptionHandler>.Instance)
            .TryHandleAsync(context, new InvalidOperationException("patient words that must not leak"), CancellationToken.None);

        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.True(handled);
        Assert.Equal(500, context.Response.StatusCode);
        Assert.Contains("<h1>Algo salió mal</h1>", body, StringComparison.Ordinal);
        Assert.Contains("trace-1", body, StringComparison.Ordinal);
        Assert.DoesNotContain("patient words", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/fhir/Goal", "text/html")]
    [InlineData("/patient", "application/json")]
    public async Task The_fhir_api_and_scripts_are_left_to_the_operation_outcome_handler(string path, string accept)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.Headers.Accept = accept;

        Assert.False(await new PageExceptionHandler(NullLogger<PageExceptionHandler>.Instance).TryHandleAsync(context, new InvalidOperationException(), CancellationToken.None));
    }
}
