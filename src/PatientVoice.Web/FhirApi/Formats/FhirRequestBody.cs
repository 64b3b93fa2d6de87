using System.Buffers;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Web.FhirApi.Formats;

/// <summary>Reads a FHIR resource from the request body: media type (415), size limit (413), parse (400/422).</summary>
public sealed class FhirRequestBody(IOptions<FhirApiOptions> options)
{
    public async Task<Resource> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var format = FhirMediaTypes.RequestFormat(request);
        var limit = options.Value.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        // Read at most limit + 1 bytes: a body without Content-Length (chunked) is held to the same limit. The buffer
        // starts at the declared length, up to 64 KiB (a length declared but not sent reserves no more than that), and
        // the chunk is the pool's.
        using var buffer = new MemoryStream(request.ContentLength is { } declared and > 0 ? (int)Math.Min(declared, InitialBufferBytes) : 0);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw TooLarge(limit);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        var text = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        return FhirResourceParser.Parse(text, format);
    }

    private const int ChunkBytes = 16 * 1024;
    private const int InitialBufferBytes = 64 * 1024;

    private static PayloadTooLargeException TooLarge(long limit)
        => new($"The body is larger than the limit of {limit} bytes (Fhir:MaxBodyBytes).");
}
