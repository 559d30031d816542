namespace SpeechToText.Core.Http;

/// <summary>Limits of the HTTP surface (section "Api"). Every limit is explicit and configurable.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>OpenAI's upload limit: 25 MiB.</summary>
    public long MaxUploadBytes { get; set; } = 26_214_400;

    /// <summary>Bytes the non-file fields and multipart framing may add on top of the file (whole-body cap).</summary>
    public long MaxFormOverheadBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Parts allowed in one multipart body (fields + file).</summary>
    public int MaxParts { get; set; } = 64;

    /// <summary>Largest non-file form field (a prompt, a speaker reference data URL...).</summary>
    public int MaxFieldBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Largest header block of one multipart section.</summary>
    public int MaxPartHeaderBytes { get; set; } = 16 * 1024;

    /// <summary>Uploads up to this size stay in memory; larger ones spill to a file in Audio:TempDirectory.</summary>
    public int MemoryThresholdBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How long a client may take to send its whole request body.</summary>
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Appended to the 413 message: where larger files go instead (the blob pipeline).</summary>
    public string? LargeFileHint { get; set; }
}
