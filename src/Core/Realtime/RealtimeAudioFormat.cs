namespace SpeechToText.Core.Realtime;

/// <summary>What a session's input_audio_buffer.append carries.</summary>
public enum RealtimeAudioFormat
{
    /// <summary>audio/pcm (beta: pcm16): 16-bit little-endian mono at 24 kHz.</summary>
    Pcm24k,

    /// <summary>audio/pcmu (beta: g711_ulaw): G.711 µ-law at 8 kHz.</summary>
    Pcmu,

    /// <summary>audio/pcma (beta: g711_alaw): G.711 A-law at 8 kHz.</summary>
    Pcma,
}
