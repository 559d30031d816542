namespace SpeechToText.Core.Transcription;

/// <summary>Token log-probability as OpenAI reports it with include[]=logprobs.</summary>
public sealed record TokenLogprob(string Token, double Logprob, IReadOnlyList<int> Bytes);
