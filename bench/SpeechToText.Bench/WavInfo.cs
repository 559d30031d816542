namespace SpeechToText.Bench;

/// <summary>Duration of a RIFF/WAVE file from its fmt and data chunks (the bench's own inputs: PCM or float, any rate).</summary>
internal static class WavInfo
{
    private static string Tag(BinaryReader reader) => System.Text.Encoding.ASCII.GetString(reader.ReadBytes(4));

    /// <summary>Seconds of audio, or NaN when the file is not a WAV the reader understands.</summary>
    public static double Seconds(string path)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (Tag(reader) != "RIFF")
            {
                return double.NaN;
            }
            reader.ReadInt32();
            if (Tag(reader) != "WAVE")
            {
                return double.NaN;
            }
            int byteRate = 0;
            while (reader.BaseStream.Position + 8 <= reader.BaseStream.Length)
            {
                var id = Tag(reader);
                var size = reader.ReadUInt32();
                if (id == "fmt ")
                {
                    var fmt = reader.ReadBytes((int)size);
                    byteRate = BitConverter.ToInt32(fmt, 8);
                }
                else if (id == "data")
                {
                    // A streamed WAV may leave the size at its maximum: the rest of the file is the data then.
                    var bytes = size == uint.MaxValue ? reader.BaseStream.Length - reader.BaseStream.Position : size;
                    return byteRate > 0 ? (double)bytes / byteRate : double.NaN;
                }
                else
                {
                    reader.BaseStream.Seek(size + (size & 1), SeekOrigin.Current);
                }
            }
            return double.NaN;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ArgumentException)
        {
            return double.NaN;
        }
    }
}
