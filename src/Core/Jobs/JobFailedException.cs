using Microsoft.DurableTask;

namespace SpeechToText.Core.Jobs;

/// <summary>A job ended as failed; the orchestration fails with this reason (its custom status has the details).</summary>
public sealed class JobFailedException(string reason) : Exception(reason);
