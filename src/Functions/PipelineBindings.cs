namespace SpeechToText.Functions;

/// <summary>
/// Names the triggers bind to. They equal StorageOptions' defaults (the containers and queues infra/ creates);
/// tests/SpeechToText.Tests/Infrastructure checks both. The connection is identity-based in Azure:
/// PipelineStorage__blobServiceUri, PipelineStorage__queueServiceUri and PipelineStorage__credential=managedidentity.
/// </summary>
internal static class PipelineBindings
{
    public const string Connection = "PipelineStorage";
    public const string InputContainer = "audio-in";
    public const string ChunkQueue = "stt-chunks";
    public const string StitchQueue = "stt-stitch";
}
