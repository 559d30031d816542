namespace SpeechToText.Core.Jobs;

/// <summary>The states a job goes through, as the status endpoint and the status document name them.</summary>
public static class JobStates
{
    public const string Queued = "queued";
    public const string Planning = "planning";
    public const string Transcribing = "transcribing";
    public const string Stitching = "stitching";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinal(string state) => state is Completed or Failed or Cancelled;
}
