using SpeechToText.Core.Audio;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Audio;

/// <summary>The sniffer on real files of every container, encoded by ffmpeg (AudioSamples).</summary>
public class AudioSnifferSampleTests
{
    public static TheoryData<string, AudioContainer> Samples => AudioSamples.SpeechFileData();

    [Theory]
    [MemberData(nameof(Samples))]
    public void Identifies_each_container_from_its_first_64_bytes(string sample, AudioContainer expected)
    {
        var bytes = File.ReadAllBytes(AudioSamples.Shared[sample]);
        Assert.Equal(expected, AudioSniffer.Detect(bytes.AsSpan(0, 64)));
    }
}
