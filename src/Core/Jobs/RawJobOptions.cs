using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;

namespace SpeechToText.Core.Jobs;

/// <summary>Options as found on the blob, before defaults and validation.</summary>
public sealed record RawJobOptions(string? Model, string? Language, string? Prompt, string? Formats);
