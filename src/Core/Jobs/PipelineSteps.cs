using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Api;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// The pipeline's three steps. Each is idempotent, so any host may deliver an event twice, crash halfway
/// or run steps in parallel on many instances: plan (input blob → chunk blobs, manifest, work items),
/// transcribe one chunk (through the router: local, Azure and fallbacks), and stitch (chunk results →
/// transcripts in every format + status document). Hosts only deliver events (src/Server's hosted services
/// locally; Azure Functions' triggers in Azure).
/// </summary>
public sealed class PipelineSteps
{
    /// <summary>The stitch queue's work item index.</summary>
    public const int StitchIndex = -1;

    private readonly JobStorage _storage;
    private readonly ManifestStore _manifests;
    private readonly TranscriptionRouter _router;
    private readonly IChunkPlanner _planner;
    private readonly PipelineOptions _options;
    private readonly IAudioDecoder _decoder;
    private readonly UsageRecorder _usage;
    private readonly ILogger<PipelineSteps> _logger;

    public PipelineSteps(JobStorage storage, ManifestStore manifests, TranscriptionRouter router, IChunkPlanner planner,
        IOptions<PipelineOptions> options, IOptions<AudioOptions> audioOptions, UsageRecorder usage, ILoggerFactory? loggerFactory = null)
    {
        _storage = storage;
        _usage = usage;
        _manifests = manifests;
        _router = router;
        _planner = planner;
        _options = options.Value;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<PipelineSteps>();
        // The pipeline decodes with its own duration cap and timeout, not the HTTP API's.
        var a = audioOptions.Value;
        var decodeOptions = Options.Create(new AudioOptions
        {
            FfmpegPath = a.FfmpegPath,
            TempDirectory = _options.TempDirectory,
            MaxAudioDuration = _options.MaxDuration,
            DecodeTimeout = _options.DecodeTimeout,
        });
        _decoder = new AudioDecoder(new WavDecoder(decodeOptions), new FfmpegDecoder(decodeOptions, loggerFactory.CreateLogger<FfmpegDecoder>()), decodeOptions);
    }

    public ManifestStore Manifests => _manifests;

    public JobStorage Storage => _storage;

    /// <summary>
    /// Plans the job for an input blob. A no-op when its manifest exists and work items went out; re-enqueues
    /// when a crash came between manifest and queue. A bad input ends as a failed job with the reason.
    /// Returns the job id, or null for blobs that are not inputs (sidecars) or no longer exist.
    /// </summary>
    public Task<string?> PlanAsync(string blobName, CancellationToken cancellationToken) =>
        TimeStepAsync("plan", () => PlanStepAsync(blobName, cancellationToken));

    private async Task<string?> PlanStepAsync(string blobName, CancellationToken cancellationToken)
    {
        if (JobRequest.IsSidecar(blobName))
        {
            return null;
        }
        await _storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var blob = _storage.Input.GetBlobClient(blobName);
        BlobProperties props;
        try
        {
            props = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        var input = new JobInput(_storage.Options.InputContainer, blobName, props.ETag.ToString(), props.ContentLength);
        var jobId = JobManifest.IdFor(input.Container, input.Name, input.ETag);
        if (await _manifests.TryReadAsync(jobId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            if (existing.Manifest.State == JobState.Planned)
            {
                await EnqueueChunksAsync(existing.Manifest, cancellationToken).ConfigureAwait(false);
            }
            return jobId;
        }

        var created = DateTimeOffset.UtcNow;
        JobSettings settings;
        ModelEntry model;
        try
        {
            var raw = await JobRequest.ReadAsync(_storage.Input, blobName, props.Metadata, cancellationToken).ConfigureAwait(false);
            (settings, model) = JobRequest.Validate(raw, _options, _router);
            if (props.ContentLength > _options.MaxInputBytes)
            {
                throw new JobRejectedException($"The input is {props.ContentLength} bytes; the pipeline accepts at most {_options.MaxInputBytes} bytes.");
            }
        }
        catch (JobRejectedException e)
        {
            await RejectAsync(jobId, input, new JobSettings { Model = props.Metadata.TryGetValue(JobRequest.MetadataModel, out var m) ? m : _options.DefaultModel, Formats = [] },
                created, e.Message, cancellationToken).ConfigureAwait(false);
            return jobId;
        }

        _logger.LogInformation("Planning job {JobId} for {Blob} ({Bytes} bytes, model {Model})", jobId, blobName, props.ContentLength, settings.Model);
        var sw = Stopwatch.StartNew();
        DecodedAudio audio;
        try
        {
            Directory.CreateDirectory(_options.TempDirectory);
            // Downloaded under the blob's ETag: if the blob changes meanwhile, this job's content stays consistent.
            var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = props.ETag } },
                cancellationToken).ConfigureAwait(false);
            await using var stream = download.Value.Content;
            await using var upload = await AudioUpload.ReadAsync(stream, blobName, _options.MaxInputBytes, 1 << 20, _options.TempDirectory,
                cancellationToken).ConfigureAwait(false);
            audio = await _decoder.DecodeAsync(upload, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.Status is >= 400 and < 500 and not 408 and not 429)
        {
            await RejectAsync(jobId, input, settings, created, $"The input could not be decoded: {e.Message}", cancellationToken).ConfigureAwait(false);
            return jobId;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            _logger.LogInformation("Input {Blob} changed or disappeared while planning; its newer version is a new job", blobName);
            return null;
        }
        double decodeSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();

        var limits = ChunkLimitsFor(model);
        var plans = await _planner.PlanAsync(audio.Samples, limits, cancellationToken).ConfigureAwait(false);
        // Chunk blobs first (overwritten if a crashed plan wrote them before), then the manifest, then the queue.
        foreach (var plan in plans)
        {
            int from = (int)Math.Round(plan.Start * DecodedAudio.SampleRate);
            int to = Math.Min(audio.Samples.Length, (int)Math.Round(plan.End * DecodedAudio.SampleRate));
            var wav = ChunkWav.Encode(audio.Samples.AsSpan(from, to - from));
            await _storage.Jobs.GetBlobClient(ManifestStore.ChunkAudioName(jobId, plan.Index))
                .UploadAsync(BinaryData.FromBytes(wav), overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        var manifest = new JobManifest
        {
            JobId = jobId,
            State = JobState.Planned,
            Input = input,
            Options = settings,
            DurationSeconds = audio.DurationSeconds,
            Chunks = [.. plans.Select(p => new JobChunk { Index = p.Index, Start = p.Start, End = p.End })],
            Timings = new JobTimings { CreatedAt = created, PlannedAt = DateTimeOffset.UtcNow, DecodeSeconds = decodeSeconds, PlanSeconds = sw.Elapsed.TotalSeconds },
        };
        if (!await _manifests.TryCreateAsync(manifest, cancellationToken).ConfigureAwait(false))
        {
            _logger.LogInformation("Job {JobId} was planned concurrently by another instance", jobId);
            return jobId;
        }
        await WriteStatusAsync(manifest, cancellationToken).ConfigureAwait(false);
        await EnqueueChunksAsync(manifest, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Job {JobId}: {Seconds:0.#} s of audio in {Chunks} chunk(s) (decode {Decode:0.##} s)",
            jobId, audio.DurationSeconds, plans.Count, decodeSeconds);
        return jobId;
    }

    private async Task EnqueueChunksAsync(JobManifest manifest, CancellationToken cancellationToken)
    {
        foreach (var chunk in manifest.Chunks.Where(c => c.State == ChunkState.Pending))
        {
            await _storage.ChunkQueue.SendMessageAsync(new ChunkWorkItem(manifest.JobId, chunk.Index).ToJson(), cancellationToken).ConfigureAwait(false);
        }
        var updated = await _manifests.UpdateAsync(manifest.JobId, m =>
        {
            if (m.State != JobState.Planned)
            {
                return false;
            }
            m.State = m.AllChunksDone ? JobState.Stitching : JobState.Transcribing;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (updated.State == JobState.Stitching)
        {
            await EnqueueStitchAsync(manifest.JobId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Transcribes one chunk. Skips chunks already done (a redelivered work item); the worker whose write
    /// completes the last chunk moves the job to Stitching and enqueues the stitch.
    /// </summary>
    public Task TranscribeChunkAsync(ChunkWorkItem item, long dequeueCount, CancellationToken cancellationToken) =>
        TimeStepAsync("transcribe_chunk", () => TranscribeChunkStepAsync(item, dequeueCount, cancellationToken));

    private async Task TranscribeChunkStepAsync(ChunkWorkItem item, long dequeueCount, CancellationToken cancellationToken)
    {
        var read = await _manifests.TryReadAsync(item.JobId, cancellationToken).ConfigureAwait(false);
        if (read is not { Manifest: var manifest })
        {
            _logger.LogWarning("Work item for unknown job {JobId} dropped", item.JobId);
            return;
        }
        var chunk = manifest.Chunks.FirstOrDefault(c => c.Index == item.Index);
        if (chunk is null || manifest.IsFinal)
        {
            return;
        }
        if (chunk.State == ChunkState.Done)
        {
            // A redelivery after the chunk was recorded: make sure the stitch went out (a crash may have come in between).
            if (manifest is { State: JobState.Stitching, StitchEnqueued: false })
            {
                await EnqueueStitchAsync(item.JobId, cancellationToken).ConfigureAwait(false);
            }
            return;
        }

        ModelEntry model;
        using (var probe = ProbeRequest(manifest.Options))
        {
            model = _router.Validate(probe);
        }
        string? prompt = null;
        if (model.Capabilities.Prompt && item.Index > 0 && manifest.Chunks.FirstOrDefault(c => c.Index == item.Index - 1) is { State: ChunkState.Done })
        {
            var previous = await LoadResultAsync(item.JobId, item.Index - 1, cancellationToken).ConfigureAwait(false);
            prompt = TranscriptStitcher.PromptFrom(previous);
            if (prompt is not null && manifest.Options.Prompt is { Length: > 0 } userPrompt)
            {
                prompt = userPrompt + " " + prompt;
            }
        }
        var wav = (await _storage.Jobs.GetBlobClient(ManifestStore.ChunkAudioName(item.JobId, item.Index))
            .DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        var sw = Stopwatch.StartNew();
        TranscriptionResult result;
        await using (var request = JobRequest.BuildRequest(manifest.Options, model, AudioUpload.FromBytes($"chunk-{item.Index:D5}.wav", wav.ToArray()), prompt))
        {
            var routed = await _router.TranscribeAsync(request, null, cancellationToken).ConfigureAwait(false);
            result = routed.Result with { Raw = null };
        }
        await _storage.Jobs.GetBlobClient(ManifestStore.ChunkResultName(item.JobId, item.Index))
            .UploadAsync(JobJson.Serialize(result), overwrite: true, cancellationToken).ConfigureAwait(false);

        bool movedToStitching = false;
        var updated = await _manifests.UpdateAsync(item.JobId, m =>
        {
            movedToStitching = false;
            var c = m.Chunks.First(x => x.Index == item.Index);
            if (c.State == ChunkState.Done || m.IsFinal)
            {
                return false;
            }
            c.State = ChunkState.Done;
            c.Attempts = (int)Math.Max(c.Attempts, dequeueCount);
            c.Error = null;
            c.CompletedAt = DateTimeOffset.UtcNow;
            if (m.AllChunksDone && m.State is JobState.Transcribing or JobState.Planned)
            {
                m.State = JobState.Stitching;
                m.Timings.TranscribedAt = DateTimeOffset.UtcNow;
                movedToStitching = true;
            }
            return true;
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Job {JobId}: chunk {Index} transcribed in {Seconds:0.##} s ({Done}/{Total} done)",
            item.JobId, item.Index, sw.Elapsed.TotalSeconds, updated.ChunksDone, updated.Chunks.Count);
        if (movedToStitching)
        {
            await EnqueueStitchAsync(item.JobId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the stitch work item, then notes that in the manifest (a crash in between only means one more, harmless, stitch).</summary>
    private async Task EnqueueStitchAsync(string jobId, CancellationToken cancellationToken)
    {
        await _storage.StitchQueue.SendMessageAsync(new ChunkWorkItem(jobId, StitchIndex).ToJson(), cancellationToken).ConfigureAwait(false);
        await _manifests.UpdateAsync(jobId, m =>
        {
            if (m.StitchEnqueued)
            {
                return false;
            }
            m.StitchEnqueued = true;
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stitches the chunk results into the transcripts and completes the job. Idempotent: outputs are overwritten.</summary>
    public Task StitchAsync(string jobId, CancellationToken cancellationToken) =>
        TimeStepAsync("stitch", () => StitchStepAsync(jobId, cancellationToken));

    private async Task StitchStepAsync(string jobId, CancellationToken cancellationToken)
    {
        var read = await _manifests.TryReadAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (read is not { Manifest: var manifest } || manifest.State == JobState.Failed)
        {
            return;
        }
        if (manifest.State == JobState.Completed)
        {
            await WriteStatusAsync(manifest, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (!manifest.AllChunksDone)
        {
            throw new InvalidOperationException($"Job {jobId}: stitch requested with {manifest.ChunksDone}/{manifest.Chunks.Count} chunks done.");
        }
        var transcripts = new List<ChunkTranscript>();
        foreach (var c in manifest.Chunks.OrderBy(c => c.Index))
        {
            transcripts.Add(new ChunkTranscript(c.Plan, await LoadResultAsync(jobId, c.Index, cancellationToken).ConfigureAwait(false)));
        }
        var stitched = TranscriptStitcher.Stitch(transcripts, manifest.DurationSeconds ?? transcripts.Max(t => t.Chunk.End));
        var outputs = new List<string>();
        foreach (var (ext, file) in TranscriptFiles.Render(stitched, manifest.Options.Formats))
        {
            var name = $"{manifest.Input.Name}.{ext}";
            await _storage.Output.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.Body),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = file.ContentType } }, cancellationToken).ConfigureAwait(false);
            outputs.Add(name);
        }
        bool completedHere = false;
        var completed = await _manifests.UpdateAsync(jobId, m =>
        {
            completedHere = false;
            if (m.IsFinal)
            {
                return false;
            }
            m.State = JobState.Completed;
            m.Outputs = outputs;
            m.Timings.CompletedAt = DateTimeOffset.UtcNow;
            completedHere = true;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await WriteStatusAsync(completed, cancellationToken).ConfigureAwait(false);
        if (completedHere)
        {
            RecordUsage(completed, 200, null, stitched.Usage);
        }
        _logger.LogInformation("Job {JobId} completed: {Segments} segment(s), outputs {Outputs}", jobId, stitched.Segments.Count, string.Join(", ", outputs));
    }

    /// <summary>
    /// A work item failed for good (poison): the job is marked Failed with the reason and a failure status
    /// document is written. Safe to call twice.
    /// </summary>
    public async Task FailJobAsync(ChunkWorkItem item, string reason, long attempts, CancellationToken cancellationToken)
    {
        if (await _manifests.TryReadAsync(item.JobId, cancellationToken).ConfigureAwait(false) is null)
        {
            return;
        }
        bool failedHere = false;
        var manifest = await _manifests.UpdateAsync(item.JobId, m =>
        {
            failedHere = false;
            if (m.State == JobState.Failed)
            {
                return false;
            }
            failedHere = m.State != JobState.Completed;
            var what = item.Index == StitchIndex ? "stitch" : $"chunk {item.Index}";
            if (m.Chunks.FirstOrDefault(c => c.Index == item.Index) is { } c)
            {
                c.State = ChunkState.Failed;
                c.Attempts = (int)Math.Max(c.Attempts, attempts);
                c.Error = reason;
            }
            m.State = JobState.Failed;
            m.Error = $"{what} failed after {attempts} attempt(s): {reason}";
            m.Timings.FailedAt = DateTimeOffset.UtcNow;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await WriteStatusAsync(manifest, cancellationToken).ConfigureAwait(false);
        if (failedHere)
        {
            RecordUsage(manifest, 500, "job_failed", null);
        }
        _logger.LogError("Job {JobId} failed: {Error}", item.JobId, manifest.Error);
    }

    /// <summary>Records a failed attempt on the chunk (best effort, for the status document).</summary>
    public async Task RecordAttemptAsync(ChunkWorkItem item, string error, long attempts, CancellationToken cancellationToken)
    {
        if (item.Index == StitchIndex)
        {
            return;
        }
        await _manifests.UpdateAsync(item.JobId, m =>
        {
            if (m.IsFinal || m.Chunks.FirstOrDefault(c => c.Index == item.Index) is not { State: ChunkState.Pending } c)
            {
                return false;
            }
            c.Attempts = (int)Math.Max(c.Attempts, attempts);
            c.Error = error;
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job of an input blob as it is now (its current ETag), or the last job written for that name.</summary>
    public async Task<JobManifest?> FindByInputAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            var props = (await _storage.Input.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            var id = JobManifest.IdFor(_storage.Options.InputContainer, blobName, props.ETag.ToString());
            if (await _manifests.TryReadAsync(id, cancellationToken).ConfigureAwait(false) is { } found)
            {
                return found.Manifest;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
        try
        {
            var status = (await _storage.Output.GetBlobClient(StatusName(blobName)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            var jobId = JobJson.Deserialize<JobStatus>(status).Id;
            return (await _manifests.TryReadAsync(jobId, cancellationToken).ConfigureAwait(false))?.Manifest;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Planning kept failing (not the input's fault as far as we know): the job is recorded as failed so the blob is not retried forever.</summary>
    public async Task RecordPlanFailureAsync(string blobName, string reason, CancellationToken cancellationToken)
    {
        try
        {
            var props = (await _storage.Input.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            var input = new JobInput(_storage.Options.InputContainer, blobName, props.ETag.ToString(), props.ContentLength);
            await RejectAsync(JobManifest.IdFor(input.Container, blobName, input.ETag), input,
                new JobSettings { Model = _options.DefaultModel, Formats = [] }, DateTimeOffset.UtcNow, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>One span ("stt.pipeline.step", tagged with the step) and one duration record per step run, whichever host delivered it.</summary>
    private static async Task<T> TimeStepAsync<T>(string step, Func<Task<T>> work)
    {
        using var operation = SttTelemetry.Start("stt.pipeline.step", SttTelemetry.PipelineStepDuration).Tag("step", step);
        return await operation.RunAsync(work).ConfigureAwait(false);
    }

    private static Task TimeStepAsync(string step, Func<Task> work) => TimeStepAsync(step, async () =>
    {
        await work().ConfigureAwait(false);
        return true;
    });

    public static string StatusName(string inputName) => $"{inputName}.status.json";

    private async Task RejectAsync(string jobId, JobInput input, JobSettings settings, DateTimeOffset created, string reason, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var manifest = new JobManifest
        {
            JobId = jobId,
            State = JobState.Failed,
            Input = input,
            Options = settings,
            Error = reason,
            Timings = new JobTimings { CreatedAt = created, FailedAt = now },
        };
        if (await _manifests.TryCreateAsync(manifest, cancellationToken).ConfigureAwait(false))
        {
            await WriteStatusAsync(manifest, cancellationToken).ConfigureAwait(false);
            RecordUsage(manifest, 400, "job_rejected", null);
            _logger.LogWarning("Job {JobId} for {Blob} rejected: {Reason}", jobId, input.Name, reason);
        }
    }

    /// <summary>
    /// The job's one usage record. Callers record only when their own If-Match write moved the job to its final
    /// state, and exactly one write can do that, so a stitch or failure that runs twice records once.
    /// </summary>
    private void RecordUsage(JobManifest job, int status, string? errorCode, TranscriptionUsage? usage)
    {
        var ended = job.Timings.CompletedAt ?? job.Timings.FailedAt ?? DateTimeOffset.UtcNow;
        _usage.Record(new UsageRecord
        {
            Time = job.Timings.CreatedAt,
            Id = job.JobId,
            KeyId = UsageRecord.Pipeline,
            Operation = UsageRecord.Job,
            Model = job.Options.Model,
            AudioSeconds = job.DurationSeconds ?? 0,
            Status = status,
            ErrorCode = errorCode,
            LatencyMs = (long)(ended - job.Timings.CreatedAt).TotalMilliseconds,
            UploadBytes = job.Input.Size,
        }.WithTokens(usage));
    }

    private Task WriteStatusAsync(JobManifest manifest, CancellationToken cancellationToken) =>
        _storage.Output.GetBlobClient(StatusName(manifest.Input.Name)).UploadAsync(JobJson.Serialize(JobStatus.From(manifest, _storage.Options)),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken);

    private async Task<TranscriptionResult> LoadResultAsync(string jobId, int index, CancellationToken cancellationToken)
    {
        var content = (await _storage.Jobs.GetBlobClient(ManifestStore.ChunkResultName(jobId, index)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        return JobJson.Deserialize<TranscriptionResult>(content);
    }

    private static TranscriptionRequest ProbeRequest(JobSettings settings) =>
        JobRequest.BuildRequest(settings, null, AudioUpload.FromBytes("probe.wav", []), null);

    /// <summary>How long chunks may be for the backend that serves <paramref name="model"/>.</summary>
    internal ChunkLimits ChunkLimitsFor(ModelEntry model) =>
        BackendChunkLimits.ForBackend(model.Backend, model.Kind, model.Backend == BackendKind.Local ? _options.LocalChunkTargetSeconds : null);

}
