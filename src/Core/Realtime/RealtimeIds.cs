using System.Security.Cryptography;

namespace SpeechToText.Core.Realtime;

/// <summary>Ids in OpenAI's style: a prefix and random letters and digits (event_…, item_…, sess_…, ek_…).</summary>
public static class RealtimeIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static string New(string prefix, int length = 20) => $"{prefix}_{RandomNumberGenerator.GetString(Alphabet, length)}";
}
