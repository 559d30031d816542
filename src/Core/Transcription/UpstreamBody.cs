namespace SpeechToText.Core.Transcription;

/// <summary>A response body as an upstream service sent it, and the wire format it is in.</summary>
public sealed record UpstreamBody(string Format, string ContentType, byte[] Bytes);
