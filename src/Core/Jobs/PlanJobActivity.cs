using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Models;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Storage;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Plans a job: reads its options (blob metadata and sidecar), checks them against the model and the pipeline's
/// limits, downloads the blob at the ETag of its event, decodes it once, finds cut points in silence near each
/// target cut (Silero VAD) and uploads each chunk as a WAV blob. Idempotent: a re-run overwrites the same chunk
/// blobs with the same audio. An input that can never become a transcript is a rejection, not an error.
/// </summary>
public sealed class PlanJobActivity(JobStorage storage, TranscriptionRouter router, IChunkPlanner planner, PipelineDecoder decoder,
    IOptions<PipelineOptions> options, IHostApplicationLifetime lifetime, ILogger<PlanJobActivity> logger) : TaskActivity<JobStart, JobPlan>
{
    public const string Name = "PlanJob";

    private readonly PipelineOptions _options = options.Value;

    public override Task<JobPlan> RunAsync(TaskActivityContext context, JobStart start) =>
        JobStepTelemetry.RunAsync("plan", () => PlanAsync(start, lifetime.ApplicationStopping));

    public async Task<JobPlan> PlanAsync(JobStart start, CancellationToken cancellationToken)
    {
        try
        {
            await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            var blob = storage.Input.GetBlobClient(start.Blob);
            BlobProperties props;
            try
            {
                props = (await blob.GetPropertiesAsync(new BlobRequestConditions { IfMatch = new ETag(start.ETag) }, cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                return JobPlan.Rejected("The input was replaced or deleted before it was planned; a newer version is a job of its own.");
            }

            JobSettings settings;
            ModelEntry model;
            try
            {
                var raw = await JobRequest.ReadAsync(storage.Input, start.Blob, props.Metadata, cancellationToken).ConfigureAwait(false);
                (settings, model) = JobRequest.Validate(raw, _options, router);
            }
            catch (JobRejectedException e)
            {
                return JobPlan.Rejected(e.Message, new JobSettings
                {
                    Model = props.Metadata.TryGetValue(JobRequest.MetadataModel, out var m) ? m : _options.DefaultModel, Formats = [],
                });
            }
            if (props.ContentLength > _options.MaxInputBytes)
            {
                return JobPlan.Rejected($"The input is {props.ContentLength} bytes; the pipeline accepts at most {_options.MaxInputBytes} bytes.", settings);
            }

            logger.LogInformation("Planning job {JobId} for {Blob} ({Bytes} bytes, model {Model})", start.JobId, start.Blob, props.ContentLength, settings.Model);
            var sw = Stopwatch.StartNew();
            DecodedAudio audio;
            try
            {
                // Downloaded at the event's ETag: if the blob changes meanwhile, this job's content stays consistent.
                var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = props.ETag } },
                    cancellationToken).ConfigureAwait(false);
                await using var stream = download.Value.Content;
                audio = await decoder.DecodeAsync(stream, start.Blob, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Status is >= 400 and < 500 and not 408 and not 429)
            {
                return JobPlan.Rejected($"The input could not be decoded: {e.Message}", settings);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                return JobPlan.Rejected("The input was replaced or deleted while it was planned; a newer version is a job of its own.", settings);
            }
            double decodeSeconds = sw.Elapsed.TotalSeconds;
            sw.Restart();

            var limits = BackendChunkLimits.ForBackend(model.Backend, model.Kind, model.Backend == BackendKind.Local ? _options.LocalChunkTargetSeconds : null);
            var chunks = (await planner.PlanAsync(audio.Samples, limits, cancellationToken).ConfigureAwait(false)).Chunks;
            foreach (var chunk in chunks)
            {
                int from = (int)Math.Round(chunk.Start * DecodedAudio.SampleRate);
                int to = Math.Min(audio.Samples.Length, (int)Math.Round(chunk.End * DecodedAudio.SampleRate));
                var wav = ChunkWav.Encode(audio.Samples.AsSpan(from, to - from));
                await storage.Jobs.GetBlobClient(JobBlobs.ChunkAudio(start.JobId, chunk.Index))
                    .UploadAsync(BinaryData.FromBytes(wav), overwrite: true, cancellationToken).ConfigureAwait(false);
            }
            logger.LogInformation("Job {JobId}: {Seconds:0.#} s of audio in {Chunks} chunk(s) (decode {Decode:0.##} s)",
                start.JobId, audio.DurationSeconds, chunks.Count, decodeSeconds);
            return new JobPlan
            {
                Settings = settings, DurationSeconds = audio.DurationSeconds, Chunks = chunks, DecodeSeconds = decodeSeconds, PlanSeconds = sw.Elapsed.TotalSeconds,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw JobStepErrors.Classify(e);
        }
    }
}
