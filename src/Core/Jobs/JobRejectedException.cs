using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;

namespace SpeechToText.Core.Jobs;

/// <summary>The input cannot become a transcript (bad options, too large, not audio): the job fails at once with this reason.</summary>
public sealed class JobRejectedException(string message, Exception? inner = null) : Exception(message, inner);
