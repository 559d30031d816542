using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Usage;

/// <summary>
/// Usage records as JSON lines in local files (<c>&lt;LocalDirectory&gt;/yyyy/MM/dd/&lt;instance&gt;.jsonl</c>), for
/// a server without storage. The same layout and lines as the blobs, so the same tools read both.
/// </summary>
public sealed class FileUsageStore(IOptions<UsageOptions> options) : IUsageStore
{
    private readonly UsageOptions _options = options.Value;

    public async Task<int> AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        var (block, count) = UsageRecord.EncodeBlock(records, _options.MaxBlockBytes);
        var path = Path.Combine(_options.LocalDirectory, _options.BlobName(records[0].Day, 1));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        await file.WriteAsync(block, cancellationToken).ConfigureAwait(false);
        return count;
    }

    public async IAsyncEnumerable<UsageRecord> ReadDayAsync(DateOnly day, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_options.LocalDirectory, UsageOptions.DayPrefix(day));
        if (!Directory.Exists(folder))
        {
            yield break;
        }
        foreach (var file in Directory.EnumerateFiles(folder, "*.jsonl"))
        {
            var text = await File.ReadAllTextAsync(file, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            foreach (var record in UsageRecord.ParseLines(text))
            {
                yield return record;
            }
        }
    }
}
