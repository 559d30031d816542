using System.Net.Http.Headers;

namespace SpeechToText.Tests.Http;

/// <summary>Builds the multipart bodies the OpenAI API takes.</summary>
internal static class Multipart
{
    public static MultipartFormDataContent Form(string audioPath, string model = "whisper-1", params (string Name, string Value)[] fields) =>
        Form(File.ReadAllBytes(audioPath), Path.GetFileName(audioPath), model, fields);

    public static MultipartFormDataContent Form(byte[] audio, string fileName, string model = "whisper-1", params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(audio);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        if (model.Length > 0)
        {
            form.Add(new StringContent(model), "model");
        }
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        return form;
    }
}
