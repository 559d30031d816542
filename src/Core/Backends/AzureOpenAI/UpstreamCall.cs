// The AudioClient constructor that takes an AuthenticationPolicy (needed for Azure's api-key header and for
// Entra ID bearer tokens) is marked experimental in OpenAI 2.15.0.
#pragma warning disable OPENAI001
using System.ClientModel.Primitives;
using System.ClientModel;
using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI.Audio;
using OpenAI;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.AzureOpenAI;

/// <summary>One upstream call: the client, its deployment settings, the request, the caller's token and the call's deadline.</summary>
internal sealed record UpstreamCall(AudioClient Client, AzureDeploymentOptions Options, TranscriptionRequest Request,
    CancellationToken Caller, CancellationToken Deadline);
