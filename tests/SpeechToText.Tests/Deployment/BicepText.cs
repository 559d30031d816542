using System.Text.RegularExpressions;

namespace SpeechToText.Tests.Deployment;

/// <summary>
/// Just enough reading of Bicep source for cross-file checks (no Bicep compiler is obtainable here): the
/// params a file declares, the modules it uses with the params it passes, and app setting names.
/// </summary>
public static partial class BicepText
{
    public sealed record Param(string Name, bool HasDefault);

    public sealed record ModuleUse(string Name, string Path, IReadOnlyList<string> Params);

    public static IReadOnlyList<Param> Params(string bicep) =>
        ParamLine().Matches(bicep).Select(m => new Param(m.Groups[1].Value, m.Groups[2].Success)).ToList();

    public static IReadOnlyList<ModuleUse> Modules(string bicep)
    {
        var uses = new List<ModuleUse>();
        foreach (Match m in ModuleLine().Matches(bicep))
        {
            var body = Block(bicep, m.Index + m.Length - 1);
            var paramsAt = ParamsBlock().Match(body);
            var keys = paramsAt.Success ? TopLevelKeys(Block(body, paramsAt.Index + paramsAt.Length - 1)) : [];
            uses.Add(new ModuleUse(m.Groups[1].Value, m.Groups[2].Value, keys));
        }
        return uses;
    }

    /// <summary>Setting names such as <c>Storage__ChunkQueue</c> or <c>'AzureOpenAI__Deployments__${i}__Id'</c> (index placeholders become 0).</summary>
    public static IReadOnlyList<string> SettingNames(string bicep) =>
        SettingKey().Matches(bicep).Select(m => Interpolation().Replace(m.Groups[1].Value, "0")).Distinct().ToList();

    /// <summary>The text between the brace at <paramref name="open"/> and its match (strings skipped).</summary>
    private static string Block(string text, int open)
    {
        int depth = 0;
        bool inString = false;
        for (int i = open; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\'' && (i == 0 || text[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && c is '{' or '[' or '(')
            {
                depth++;
            }
            else if (!inString && c is '}' or ']' or ')' && --depth == 0)
            {
                return text[(open + 1)..i];
            }
        }
        throw new FormatException("unbalanced braces in Bicep text");
    }

    private static List<string> TopLevelKeys(string objectBody)
    {
        var keys = new List<string>();
        int depth = 0;
        foreach (var line in objectBody.Split('\n'))
        {
            var code = QuotedString().Replace(line, "''");
            if (depth == 0 && Key().Match(code) is { Success: true } key)
            {
                keys.Add(key.Groups[1].Value);
            }
            depth += code.Count(c => c is '{' or '[' or '(') - code.Count(c => c is '}' or ']' or ')');
        }
        return keys;
    }

    [GeneratedRegex(@"^param\s+(\w+)\s+[\w.]+[ \t]*(=)?", RegexOptions.Multiline)]
    private static partial Regex ParamLine();

    [GeneratedRegex(@"^module\s+(\w+)\s+'([^']+)'\s*=\s*(?:if\s*\([^\n]*\)\s*)?\{", RegexOptions.Multiline)]
    private static partial Regex ModuleLine();

    [GeneratedRegex(@"^\s*params:\s*\{", RegexOptions.Multiline)]
    private static partial Regex ParamsBlock();

    [GeneratedRegex(@"^\s*(\w+)\s*:")]
    private static partial Regex Key();

    [GeneratedRegex(@"'[^']*'")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"^\s*'?([A-Za-z][A-Za-z0-9]*__[A-Za-z0-9_${}]+)'?\s*:", RegexOptions.Multiline)]
    private static partial Regex SettingKey();

    [GeneratedRegex(@"\$\{[^}]*\}")]
    private static partial Regex Interpolation();
}
