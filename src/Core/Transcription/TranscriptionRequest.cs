using System.Diagnostics.CodeAnalysis;

namespace SpeechToText.Core.Transcription;

/// <summary>
/// A parsed /v1/audio/transcriptions or /translations call: its options and its audio. Owns the upload; dispose to
/// delete its temp file.
/// </summary>
public sealed class TranscriptionRequest : TranscriptionOptions, IAsyncDisposable, IDisposable
{
    public TranscriptionRequest()
    {
    }

    /// <summary>The request of <paramref name="options"/> with <paramref name="file"/> as its audio (owned from now on).</summary>
    [SetsRequiredMembers]
    public TranscriptionRequest(TranscriptionOptions options, AudioUpload file)
        : base(options)
    {
        File = file;
    }

    public required AudioUpload File { get; init; }

    private Task<DecodedAudio>? _decoded;

    /// <summary>
    /// Decodes the upload the first time any backend needs PCM (a duration check, the local engine, a
    /// fallback) and reuses it after that: the upload is read once, decoded at most once.
    /// </summary>
    public Task<DecodedAudio> DecodeOnceAsync(IAudioDecoder decoder, CancellationToken cancellationToken)
    {
        if (_decoded is null || _decoded.IsFaulted || _decoded.IsCanceled)
        {
            _decoded = decoder.DecodeAsync(File, cancellationToken);
        }
        return _decoded;
    }

    /// <summary>Length of the decoded audio; 0 while (or when) it was not decoded.</summary>
    public double DecodedSeconds => _decoded is { IsCompletedSuccessfully: true } decoded ? decoded.Result.DurationSeconds : 0;

    public ValueTask DisposeAsync() => File.DisposeAsync();

    public void Dispose() => File.Dispose();
}
