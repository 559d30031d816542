using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

/// <summary>
/// Streams a multipart/form-data request body: fields into memory (size-capped), the file part into an
/// <see cref="AudioUpload"/> (memory up to a threshold, then a temp file), enforcing the upload limit while
/// reading, so nothing past it is ever buffered. Every malformed body becomes a 400/413 <see cref="ApiException"/>.
/// </summary>
public static class MultipartFormReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async Task<MultipartForm> ReadAsync(HttpRequest request, ApiOptions options, string tempDirectory, CancellationToken ct)
    {
        var boundary = GetBoundary(request.ContentType);
        var reader = new MultipartReader(boundary, request.Body)
        {
            HeadersCountLimit = 16,
            HeadersLengthLimit = options.MaxPartHeaderBytes,
        };
        var form = new MultipartForm();
        try
        {
            int parts = 0;
            while (await reader.ReadNextSectionAsync(ct).ConfigureAwait(false) is { } section)
            {
                if (++parts > options.MaxParts)
                {
                    throw ApiException.BadRequest($"The request has more than {options.MaxParts} multipart parts.", null, "too_many_parts");
                }
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var parsed)
                    || parsed is not { } disposition
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    || StringSegment.IsNullOrEmpty(disposition.Name))
                {
                    throw ApiException.BadRequest("Each multipart part needs a 'Content-Disposition: form-data; name=\"...\"' header.", null, "invalid_multipart");
                }
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
                if (name.EndsWith("[]", StringComparison.Ordinal))
                {
                    name = name[..^2];
                }
                if (name == "file")
                {
                    if (form.File is not null)
                    {
                        throw ApiException.BadRequest("Only one 'file' part may be sent.", "file", "duplicate_parameter");
                    }
                    var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.ToString()
                        : HeaderUtilities.RemoveQuotes(disposition.FileName).ToString();
                    form.File = await AudioUpload.ReadAsync(section.Body, SanitizeFileName(fileName), options.MaxUploadBytes,
                        options.MemoryThresholdBytes, tempDirectory, ct).ConfigureAwait(false);
                }
                else
                {
                    form.Add(name, await ReadFieldAsync(section.Body, name, options.MaxFieldBytes, ct).ConfigureAwait(false));
                }
            }
            return form;
        }
        catch (UploadTooLargeException e)
        {
            await form.DisposeAsync().ConfigureAwait(false);
            throw TooLarge(e.Limit, options);
        }
        // A full temp folder is the server's trouble, not a truncated upload: it goes on to the 503 mapping.
        catch (Exception e) when (e is IOException or InvalidDataException && !ct.IsCancellationRequested && !ApiErrorMapper.IsDiskFull(e))
        {
            await form.DisposeAsync().ConfigureAwait(false);
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                throw TooLarge(options.MaxUploadBytes, options);
            }
            throw ApiException.BadRequest(e switch
            {
                InvalidDataException => $"The multipart body is malformed: {e.Message}",
                // Kestrel's own complaint about the HTTP framing (a bad chunk size, a body shorter than
                // its Content-Length) says more than a guess about truncation would.
                BadHttpRequestException => $"The request body is malformed: {e.Message}",
                _ => "The multipart body ended before its closing boundary (truncated upload?).",
            }, null, "invalid_multipart");
        }
        catch
        {
            await form.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static ApiException TooLarge(long limit, ApiOptions options) => new(StatusCodes.Status413PayloadTooLarge,
        $"Maximum content size limit ({limit} bytes) exceeded." + (options.LargeFileHint is { Length: > 0 } hint ? " " + hint : ""),
        ApiException.InvalidRequest, "file", "file_too_large");

    private static string GetBoundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest("The request must be multipart/form-data with a 'file' part and a 'model' field.", null, "invalid_content_type");
        }
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary);
        if (StringSegment.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            throw ApiException.BadRequest("The multipart/form-data Content-Type has no valid boundary.", null, "invalid_content_type");
        }
        return boundary.ToString();
    }

    private static async Task<string> ReadFieldAsync(Stream body, string name, int maxBytes, CancellationToken ct)
    {
        var buffer = new byte[Math.Min(maxBytes + 1, 16 * 1024)];
        using var collected = new MemoryStream();
        int read;
        while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (collected.Length + read > maxBytes)
            {
                throw ApiException.BadRequest($"The parameter '{name}' is larger than {maxBytes} bytes.", name, "field_too_large");
            }
            collected.Write(buffer, 0, read);
        }
        try
        {
            return StrictUtf8.GetString(collected.GetBuffer(), 0, (int)collected.Length);
        }
        catch (DecoderFallbackException)
        {
            throw ApiException.BadRequest($"The parameter '{name}' is not valid UTF-8.", name, "invalid_value");
        }
    }

    /// <summary>Keeps a file name printable and short: it is only ever shown, never used as a path.</summary>
    private static string SanitizeFileName(string name)
    {
        var sb = new StringBuilder(Math.Min(name.Length, 128));
        foreach (var ch in name)
        {
            if (sb.Length == 128)
            {
                break;
            }
            sb.Append(char.IsControl(ch) || ch is '/' or '\\' ? '_' : ch);
        }
        return sb.ToString();
    }
}
