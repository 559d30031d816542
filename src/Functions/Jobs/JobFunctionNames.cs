namespace SpeechToText.Functions.Jobs;

/// <summary>
/// Names the pipeline's triggers bind to: the container is StorageOptions' default (what infra/ creates; the tests
/// check both), and the connection is identity-based in Azure (PipelineStorage__blobServiceUri, __queueServiceUri,
/// __tableServiceUri and __credential=managedidentity), the one the Durable task hub uses too (host.json).
/// </summary>
internal static class JobFunctionNames
{
    public const string Connection = "PipelineStorage";
    public const string InputContainer = "audio-in";

    /// <summary>The Event Grid-sourced blob trigger (infra/app/blob-subscription.bicep's functionName).</summary>
    public const string NewRecording = "TranscribeNewRecording";
}
