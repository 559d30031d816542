using System.Globalization;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Audio;

/// <summary>The decoding failures that <see cref="ApiError"/> has no factory for.</summary>
public static class AudioErrors
{
    public const string AudioTooLongCode = "audio_too_long";
    public const string DecodeTimeoutCode = "decode_timeout";
    public const string DecoderUnavailableCode = "decoder_unavailable";

    /// <summary>The decoded audio exceeds the configured maximum: the client's file, so 400.</summary>
    public static ApiError AudioTooLong(TimeSpan limit) =>
        new(400, $"Audio file is too long. Maximum audio length is {Seconds(limit)} seconds.", ApiError.InvalidRequest, "file",
            AudioTooLongCode);

    /// <summary>Decoding ran past the time limit. The file made it so (hostile or pathological), so 400, never a retryable 5xx.</summary>
    public static ApiError DecodeTimeout(TimeSpan limit) =>
        new(400, $"Decoding the audio took longer than the limit of {Seconds(limit)} s.", ApiError.InvalidRequest, "file",
            DecodeTimeoutCode);

    /// <summary>The decoder binary is missing or cannot start: the server is misconfigured.</summary>
    public static ApiError DecoderUnavailable(string detail) =>
        new(503, $"The audio decoder is unavailable on this server: {detail}", ApiError.ApiErrorType, null, DecoderUnavailableCode);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
