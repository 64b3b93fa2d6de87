using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PatientVoice.Sandbox.Tests;

/// <summary>A browser without a browser: keeps cookies, follows no redirects, reads forms (hidden fields and anti-forgery token) from pages.</summary>
internal sealed partial class BrowserSession(SandboxFactory factory)
{
    public HttpClient Http { get; } = factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = new Uri(SandboxFactory.EhrUrl),
    });

    /// <summary>Signs in on the login page, as a person would.</summary>
    public async Task SignInAsync(string login)
    {
        var page = await Http.GetStringAsync("/login");
        var response = await Http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = HiddenFields(page)["__RequestVerificationToken"],
            ["Login"] = login,
            ["ReturnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>The name and value of every hidden input of a page (HTML-decoded).</summary>
    public static Dictionary<string, string> HiddenFields(string html)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in InputPattern().Matches(html))
        {
            var tag = input.Value;
            if (!tag.Contains("type=\"hidden\"", StringComparison.Ordinal) || NamePattern().Match(tag) is not { Success: true } name)
            {
                continue;
            }

            fields[WebUtility.HtmlDecode(name.Groups[1].Value)] = WebUtility.HtmlDecode(ValuePattern().Match(tag).Groups[1].Value);
        }

        return fields;
    }

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex InputPattern();

    [GeneratedRegex("name=\"([^\"]*)\"")]
    private static partial Regex NamePattern();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex ValuePattern();
}
