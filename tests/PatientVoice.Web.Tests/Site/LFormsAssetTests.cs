using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using PatientVoice.Testing;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Tests.Site;

/// <summary>
/// LHC-Forms reaches a slow phone in as few bytes as we can send it safely: Brotli at the highest quality, compressed once
/// at build time, cached for a year; byte for byte the file we ship once decompressed, and with the right type.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class LFormsAssetTests(FhirServerFixture server)
{
    [Theory]
    [InlineData("lhc-forms.js", "text/javascript; charset=utf-8")]
    [InlineData("lformsFHIR.min.js", "text/javascript; charset=utf-8")]
    [InlineData("zone.min.js", "text/javascript; charset=utf-8")]
    [InlineData("styles.css", "text/css; charset=utf-8")]
    public async Task A_browser_that_accepts_brotli_gets_the_build_time_compression_smaller_than_compressing_on_the_fly(string file, string contentType)
    {
        var original = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "src", "PatientVoice.Web", "wwwroot", "lib", "lforms", PatientText.LFormsVersion, file));
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/lib/lforms/{PatientText.LFormsVersion}/{file}");
        request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br, zstd");

        using var response = await client.SendAsync(request);
        var sent = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal(original, Decompress(sent));
        // What response compression sends (CompressionLevel.Optimal) is the bar: at least 8% smaller than that.
        var onTheFly = OnTheFly(original);
        Assert.True(sent.Length < onTheFly * 0.92, $"{file}: {sent.Length:N0} bytes sent, {onTheFly:N0} when compressed per response");
    }

    [Fact]
    public async Task A_browser_that_does_not_accept_brotli_still_gets_the_script_as_javascript()
    {
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/lib/lforms/{PatientText.LFormsVersion}/lhc-forms.js");
        request.Headers.AcceptEncoding.ParseAdd("identity");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("text/javascript; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "src", "PatientVoice.Web", "wwwroot", "lib", "lforms", PatientText.LFormsVersion, "lhc-forms.js")),
            await response.Content.ReadAsByteArrayAsync());
    }

    private static byte[] Decompress(byte[] brotli)
    {
        using var input = new BrotliStream(new MemoryStream(brotli), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static long OnTheFly(byte[] original)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            brotli.Write(original);
        }

        return output.Length;
    }
}
