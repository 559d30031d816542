using System.Globalization;
using System.Text.RegularExpressions;
using Azure;
using Microsoft.DurableTask;

namespace SpeechToText.Core.Jobs;

/// <summary>A step failed in a way no retry can change (an undecodable input, an unknown model or format, a request the backend refuses): the job fails at once.</summary>
public sealed class PermanentJobStepException(string message, Exception? inner = null) : Exception(message, inner);
