using System.Security.Cryptography;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.ModelTools;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Backends.WhisperCpp;

[Collection(WhisperNativeCollection.Name)]
public sealed class SyntheticGgmlModelTests(SyntheticModels models)
{
    [Fact]
    public void Inspect_reads_the_hyper_parameters_and_recognises_a_generated_model()
    {
        var info = ModelFileInfo.Inspect(models.English);

        Assert.True(info.IsSynthetic);
        Assert.Equal(ModelFileInfo.SyntheticMarker, info.FirstToken);
        Assert.Equal(SyntheticGgmlModel.HyperParameters(SyntheticModelSize.Test, multilingual: false), info.HyperParameters);
        Assert.False(info.HyperParameters.IsMultilingual);
        Assert.True(ModelFileInfo.Inspect(models.Multilingual).HyperParameters.IsMultilingual);
        Assert.InRange(info.FileSize, 1_000_000, 8_000_000);
    }

    [Fact]
    public void Inspect_does_not_call_a_real_looking_vocabulary_synthetic()
    {
        // Same header, but token 0 is "!" as in the real GPT-2 vocabulary.
        var path = Path.Combine(models.Directory, "real-looking.bin");
        var bytes = File.ReadAllBytes(models.English);
        var vocabCountOffset = 4 + 11 * 4 + 8 + 80 * 201 * 4;
        var firstLength = BitConverter.ToInt32(bytes, vocabCountOffset + 4);
        var patched = bytes.Take(vocabCountOffset + 4)
            .Concat(BitConverter.GetBytes(1)).Concat("!"u8.ToArray())
            .Concat(bytes.Skip(vocabCountOffset + 8 + firstLength)).ToArray();
        File.WriteAllBytes(path, patched);

        var info = ModelFileInfo.Inspect(path);

        Assert.Equal("!", info.FirstToken);
        Assert.False(info.IsSynthetic);
    }

    [Fact]
    public void Inspect_rejects_a_file_that_is_not_a_ggml_model()
    {
        var path = Path.Combine(models.Directory, "not-a-model.bin");
        File.WriteAllBytes(path, "RIFF....WAVEfmt "u8.ToArray());

        Assert.Throws<InvalidDataException>(() => ModelFileInfo.Inspect(path));
    }

    [Fact]
    public void Write_is_deterministic_for_a_seed_and_differs_across_seeds()
    {
        var a = Path.Combine(models.Directory, "a.bin");
        var b = Path.Combine(models.Directory, "b.bin");
        var c = Path.Combine(models.Directory, "c.bin");
        SyntheticGgmlModel.Write(a, SyntheticModelSize.Test, multilingual: false, seed: 1);
        SyntheticGgmlModel.Write(b, SyntheticModelSize.Test, multilingual: false, seed: 1);
        SyntheticGgmlModel.Write(c, SyntheticModelSize.Test, multilingual: false, seed: 3);

        Assert.Equal(Sha1(a), Sha1(b));
        Assert.NotEqual(Sha1(a), Sha1(c));
        Assert.Equal(Sha1(a), Sha1(models.English));
    }

    [Fact]
    public void Tiny_size_has_the_real_tiny_dimensions()
    {
        var en = SyntheticGgmlModel.HyperParameters(SyntheticModelSize.Tiny, multilingual: false);
        var multi = SyntheticGgmlModel.HyperParameters(SyntheticModelSize.Tiny, multilingual: true);

        Assert.Equal(new GgmlHyperParameters(51864, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1), en);
        Assert.Equal(51865, multi.NVocab);
        Assert.Equal("tiny", en.ModelType);
    }

    [Fact]
    public void Official_hashes_identify_only_official_files()
    {
        Assert.Equal("c78c86eb1a8faa21b369bcd33207cc90d64ae9df", ModelFileInfo.OfficialSha1["ggml-tiny.en.bin"]);
        Assert.Null(ModelFileInfo.IdentifyOfficial(models.English));
        Assert.False(ModelFileInfo.VerifyOfficial(models.English, "ggml-tiny.en.bin"));
        Assert.False(ModelFileInfo.VerifyOfficial(models.English, "no-such-model.bin"));
        Assert.Equal(Sha1(models.English), ModelFileInfo.ComputeSha1(models.English));
    }

    [Fact]
    public void WhisperCpp_loads_the_generated_models()
    {
        using var english = WhisperModel.Load(models.English);
        using var multilingual = WhisperModel.Load(models.Multilingual);

        Assert.False(english.IsMultilingual);
        Assert.True(multilingual.IsMultilingual);
        Assert.True(english.File.IsSynthetic);
        Assert.Equal(SyntheticGgmlModel.HyperParameters(SyntheticModelSize.Test, false), english.HyperParameters);
        Assert.Equal(50256, english.EndOfText);
        Assert.Equal(50257, multilingual.EndOfText);
        Assert.Equal(" ", english.TokenText(1));
    }

    [Fact]
    public void ValidateLayout_counts_every_tensor_and_rejects_a_truncated_file()
    {
        var h = SyntheticGgmlModel.HyperParameters(SyntheticModelSize.Test, false);
        Assert.Equal(11 + 15 * h.NAudioLayer + 24 * h.NTextLayer, ModelFileInfo.ValidateLayout(models.English));

        var bytes = File.ReadAllBytes(models.English);
        foreach (var length in new[] { 300_000, bytes.Length - 1000 })
        {
            var path = Path.Combine(models.Directory, $"cut-{length}.bin");
            File.WriteAllBytes(path, bytes.AsSpan(0, length).ToArray());
            Assert.Throws<InvalidDataException>(() => ModelFileInfo.ValidateLayout(path));
            Assert.Throws<InvalidDataException>(() => WhisperModel.Load(path));
        }
    }

    [Fact]
    public void Loading_a_missing_file_throws_FileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => WhisperModel.Load(Path.Combine(models.Directory, "missing.bin")));
    }

    private static string Sha1(string path) => Convert.ToHexStringLower(SHA1.HashData(File.ReadAllBytes(path)));
}
