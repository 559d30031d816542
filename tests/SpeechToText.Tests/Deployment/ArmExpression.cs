using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SpeechToText.Tests.Deployment;

/// <summary>
/// A value ARM only knows at deployment (<c>reference(...)</c>, <c>listKeys(...)</c> and what is built from them),
/// kept as its expression text so tests can still say what it is made of.
/// </summary>
public sealed record RuntimeValue(string Text)
{
    public override string ToString() => $"<{Text}>";
}

/// <summary>
/// Evaluates what Bicep's snapshot leaves unevaluated: ARM template expressions ("[union(createObject('a', 1), ...)]")
/// over literals and the pure functions Bicep emits for objects, strings and arrays. Functions whose value only
/// exists at deployment become <see cref="RuntimeValue"/>s, so an object that mixes both (app settings with a
/// storage endpoint in them) still evaluates to its keys and literal values. Values: Dictionary&lt;string, object?&gt;,
/// List&lt;object?&gt;, string, long, bool, null or RuntimeValue.
/// </summary>
public static class ArmExpression
{
    /// <summary>A JSON element of a template or snapshot, with every expression string in it evaluated.</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => EvaluateString(element.GetString()!),
        JsonValueKind.Number => element.TryGetInt64(out var n) ? n : (object)element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>A template string: an expression when it is "[...]" (but not "[[", ARM's escape for a literal bracket).</summary>
    public static object? EvaluateString(string text)
    {
        if (text.Length >= 2 && text[0] == '[' && text[^1] == ']' && !text.StartsWith("[[", StringComparison.Ordinal))
        {
            var parser = new Parser(text[1..^1]);
            var value = parser.ParseExpression();
            parser.ExpectEnd();
            return value;
        }
        return text.StartsWith("[[", StringComparison.Ordinal) ? text[1..] : text;
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos != text.Length)
            {
                throw new FormatException($"Unexpected '{text[_pos..]}' in ARM expression '{text}'.");
            }
        }

        public object? ParseExpression()
        {
            SkipSpace();
            object? value;
            if (Peek() == '\'')
            {
                value = ReadString();
            }
            else if (char.IsDigit(Peek()) || Peek() == '-')
            {
                int start = _pos++;
                while (_pos < text.Length && char.IsDigit(text[_pos]))
                {
                    _pos++;
                }
                value = long.Parse(text[start.._pos], CultureInfo.InvariantCulture);
            }
            else
            {
                string name = ReadIdentifier();
                SkipSpace();
                Expect('(');
                var args = new List<object?>();
                var argTexts = new List<string>();
                SkipSpace();
                while (Peek() != ')')
                {
                    int start = _pos;
                    args.Add(ParseExpression());
                    argTexts.Add(text[start.._pos].Trim());
                    SkipSpace();
                    if (Peek() == ',')
                    {
                        _pos++;
                    }
                }
                Expect(')');
                value = Call(name, args, argTexts);
            }
            return ParseAccessors(value);
        }

        private object? ParseAccessors(object? value)
        {
            while (true)
            {
                SkipSpace();
                if (Peek() == '.')
                {
                    _pos++;
                    string property = ReadIdentifier();
                    value = value switch
                    {
                        RuntimeValue r => new RuntimeValue($"{r.Text}.{property}"),
                        Dictionary<string, object?> d => d.TryGetValue(property, out var v) ? v
                            : throw new FormatException($"No property '{property}' in ARM expression '{text}'."),
                        _ => throw new FormatException($"'.{property}' applied to {value} in '{text}'."),
                    };
                }
                else if (Peek() == '[')
                {
                    _pos++;
                    var index = ParseExpression();
                    SkipSpace();
                    Expect(']');
                    value = (value, index) switch
                    {
                        (RuntimeValue r, _) => new RuntimeValue($"{r.Text}[{Show(index)}]"),
                        (_, RuntimeValue i) => new RuntimeValue($"{Show(value)}[{i.Text}]"),
                        (List<object?> list, long i) => list[(int)i],
                        (Dictionary<string, object?> d, string key) => d[key],
                        _ => throw new FormatException($"Cannot index {value} with {index} in '{text}'."),
                    };
                }
                else
                {
                    return value;
                }
            }
        }

        private static object? Call(string name, List<object?> args, List<string> argTexts)
        {
            // Any argument known only at deployment makes the result a deployment-time value too, except for the
            // functions that build containers (their other members stay visible).
            bool runtime = args.Any(a => a is RuntimeValue);
            switch (name.ToLowerInvariant())
            {
                case "createobject":
                    var obj = new Dictionary<string, object?>(StringComparer.Ordinal);
                    for (int i = 0; i + 1 < args.Count; i += 2)
                    {
                        obj[(string)args[i]!] = args[i + 1];
                    }
                    return obj;
                case "createarray":
                    return args.ToList();
                case "union" when args.All(a => a is Dictionary<string, object?>):
                    var merged = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var d in args.Cast<Dictionary<string, object?>>())
                    {
                        foreach (var (k, v) in d)
                        {
                            merged[k] = v;
                        }
                    }
                    return merged;
                case "concat" when args.All(a => a is List<object?>):
                    return args.Cast<List<object?>>().SelectMany(a => a).ToList();
                case "format":
                    return Format(args);
                case "concat" when args.All(a => a is string or RuntimeValue or long):
                    return runtime ? new RuntimeValue(string.Concat(args.Select(Show))) : string.Concat(args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture)));
                case "string" when !runtime:
                    return args[0] switch { bool b => b ? "True" : "False", var a => Convert.ToString(a, CultureInfo.InvariantCulture) };
                case "tolower" when !runtime:
                    return ((string)args[0]!).ToLowerInvariant();
                case "empty" when !runtime:
                    return args[0] switch { null => true, string s => s.Length == 0, List<object?> l => l.Count == 0, Dictionary<string, object?> d => d.Count == 0, _ => false };
                case "if" when args[0] is bool condition:
                    return condition ? args[1] : args[2];
                case "null":
                    return null;
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    // reference(), listKeys(), guid() of a runtime value, ...: known at deployment only.
                    return new RuntimeValue($"{name}({string.Join(", ", argTexts)})");
            }
        }

        private static object Format(List<object?> args)
        {
            var pattern = (string)args[0]!;
            bool runtime = args.Skip(1).Any(a => a is RuntimeValue);
            var result = new StringBuilder();
            for (int i = 0; i < pattern.Length; i++)
            {
                if (pattern[i] == '{' && i + 2 < pattern.Length && char.IsDigit(pattern[i + 1]))
                {
                    int close = pattern.IndexOf('}', i);
                    int index = int.Parse(pattern[(i + 1)..close], CultureInfo.InvariantCulture);
                    var arg = args[index + 1];
                    result.Append(arg is RuntimeValue r ? $"{{{r.Text}}}" : Convert.ToString(arg, CultureInfo.InvariantCulture));
                    i = close;
                }
                else
                {
                    result.Append(pattern[i]);
                }
            }
            return runtime ? new RuntimeValue(result.ToString()) : result.ToString();
        }

        private static string Show(object? value) => value switch
        {
            RuntimeValue r => $"{{{r.Text}}}",
            string s => s,
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
        };

        private string ReadString()
        {
            Expect('\'');
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length)
                {
                    throw new FormatException($"Unterminated string in ARM expression '{text}'.");
                }
                char c = text[_pos++];
                if (c == '\'')
                {
                    if (Peek() == '\'')
                    {
                        sb.Append('\'');
                        _pos++;
                        continue;
                    }
                    return sb.ToString();
                }
                sb.Append(c);
            }
        }

        private string ReadIdentifier()
        {
            int start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '_' or '$'))
            {
                _pos++;
            }
            if (_pos == start)
            {
                throw new FormatException($"Expected a name at {start} in ARM expression '{text}'.");
            }
            return text[start.._pos];
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw new FormatException($"Expected '{c}' at {_pos} in ARM expression '{text}'.");
            }
            _pos++;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }
    }
}
