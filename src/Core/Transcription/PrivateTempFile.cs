namespace SpeechToText.Core.Transcription;

/// <summary>
/// A temp file only this user can read, removed when its stream closes (DeleteOnClose), so a crash
/// between create and cleanup does not leave an upload on disk.
/// </summary>
internal static class PrivateTempFile
{
    public static FileStream Create(string directory, string fileName)
    {
        Directory.CreateDirectory(directory);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.Read | FileShare.Delete,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return new FileStream(Path.Combine(directory, fileName), options);
    }
}
