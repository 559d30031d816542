using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Audio;

public class AudioSamplesTests
{
    [Fact]
    public void Generates_every_sample_once_with_speech_of_a_plausible_length()
    {
        var samples = AudioSamples.Shared;
        Assert.Same(samples, AudioSamples.Shared);
        Assert.InRange(samples.SpeechSeconds, 2.0, 8.0);
        foreach (var property in typeof(AudioSamples).GetProperties().Where(p => p.PropertyType == typeof(string) && p.Name != nameof(AudioSamples.Folder)
            && p.GetGetMethod()!.IsStatic is false && p.GetIndexParameters().Length == 0))
        {
            string path = (string)property.GetValue(samples)!;
            Assert.True(new FileInfo(path).Length > 100, $"{property.Name} at {path} is missing or empty");
        }
    }
}
