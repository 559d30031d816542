using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SpeechToText.Core.Jobs;

/// <summary>Reads and writes the pipeline's documents in storage with <see cref="JobJsonContext"/>'s metadata.</summary>
public static class JobJson
{
    public static BinaryData Serialize<T>(T value, JsonTypeInfo<T> type) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(value, type));

    public static T Deserialize<T>(BinaryData data, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(data.ToMemory().Span, type) ?? throw new JsonException($"The document is not a {typeof(T).Name}.");
}
