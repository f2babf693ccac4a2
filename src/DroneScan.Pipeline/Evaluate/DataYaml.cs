using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace DroneScan.Pipeline.Evaluate;

/// <summary>
/// Reads the class names from an Ultralytics <c>data.yaml</c> (parsed by YamlDotNet). Only the top-level
/// <c>names</c> key (and <c>nc</c>, to cross-check) is read, in the forms Ultralytics writes and accepts: a list
/// (<c>names: [a, 'b']</c> or <c>- a</c> lines) or a map of class index to name (<c>0: a</c> lines or
/// <c>{0: a, 1: b}</c>). Every problem names the file and, where there is one, the line.
/// </summary>
public static partial class DataYaml
{
    /// <summary>The class names, in class-index order; throws <see cref="DatasetException"/> naming the file and line.</summary>
    public static IReadOnlyList<string> ParseNames(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return Read(new Parser(new StringReader(text)), text, file);
        }
        catch (YamlException e)
        {
            throw DatasetException.At(file, (int)e.Start.Line, $"not valid YAML: {YamlMessage(e)}");
        }
    }

    private static List<string> Read(IParser parser, string text, string file)
    {
        int? nc = null;
        int ncLine = 0;
        List<string>? names = null;
        parser.Consume<StreamStart>();
        if (parser.TryConsume<DocumentStart>(out _) && parser.TryConsume<MappingStart>(out _))
        {
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                if (!parser.TryConsume<Scalar>(out var key))
                {
                    parser.SkipThisAndNestedEvents(); // a complex key
                    parser.SkipThisAndNestedEvents(); // and its value
                    continue;
                }

                switch (key.Value)
                {
                    case "nc":
                        (nc, ncLine) = (ReadCount(parser, file), Line(key));
                        break;
                    case "names":
                        names = ReadNames(parser, key, text, file);
                        break;
                    default:
                        parser.SkipThisAndNestedEvents();
                        break;
                }
            }
        }

        if (names is null)
        {
            throw new DatasetException($"{file}: no 'names:' list of class names");
        }

        if (nc is { } count && count != names.Count)
        {
            throw DatasetException.At(file, ncLine, $"nc is {count} but 'names' lists {names.Count} classes");
        }

        return names;
    }

    private static int ReadCount(IParser parser, string file)
    {
        var value = parser.Current;
        if (value is Scalar s && int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            parser.MoveNext();
            return n;
        }

        throw DatasetException.At(file, Line(value!), $"nc '{(value as Scalar)?.Value ?? "(a list or map)"}' is not a number of classes");
    }

    /// <summary>The value of <c>names</c>: a list of names, or a map of class index to name.</summary>
    private static List<string> ReadNames(IParser parser, Scalar key, string text, string file)
    {
        var value = parser.Current!;
        bool flow = value is SequenceStart { Style: SequenceStyle.Flow } or MappingStart { Style: MappingStyle.Flow };
        try
        {
            return value switch
            {
                SequenceStart => ReadList(parser, key, file),
                MappingStart => ReadMap(parser, key, file),
                Scalar s when IsEmpty(s) => throw DatasetException.At(file, Line(key), "names is empty"),
                _ => throw DatasetException.At(file, Line(key), $"names must be a list ([a, b] or '- a' lines) or a map ('0: a' lines), not '{(value as Scalar)?.Value ?? value.ToString()}'"),
            };
        }
        catch (YamlException e) when (flow)
        {
            // A bracket still open when the text runs out is the likely slip; say so rather than quote the parser alone.
            char open = value is SequenceStart ? '[' : '{';
            string problem = text.AsSpan((int)Math.Min(e.Start.Index, text.Length)).Trim().IsEmpty
                ? $"names: the '{open}' is never closed"
                : $"names: the '{open}' list is not valid YAML";
            throw DatasetException.At(file, Line(value), $"{problem} ({YamlMessage(e)}, line {e.Start.Line})");
        }
    }

    private static List<string> ReadList(IParser parser, Scalar key, string file)
    {
        parser.Consume<SequenceStart>();
        var names = new List<string>();
        while (!parser.TryConsume<SequenceEnd>(out _))
        {
            names.Add(Name(parser, file));
        }

        return names.Count > 0 ? names : throw DatasetException.At(file, Line(key), "names is empty");
    }

    /// <summary>Map entries <c>index: name</c>; the indices must be 0 … n − 1, each once.</summary>
    private static List<string> ReadMap(IParser parser, Scalar key, string file)
    {
        parser.Consume<MappingStart>();
        var byIndex = new SortedDictionary<int, string>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var entry = parser.Current!;
            if (entry is not Scalar indexText || !int.TryParse(indexText.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                string shown = entry is Scalar k && parser.MoveNext() && parser.Current is Scalar v ? $"{k.Value}: {v.Value}" : entry.ToString()!;
                throw DatasetException.At(file, Line(entry), $"names entry '{shown}' is not 'index: name'");
            }

            parser.MoveNext();
            if (!byIndex.TryAdd(index, Name(parser, file)))
            {
                throw DatasetException.At(file, Line(entry), $"names gives class {index} twice");
            }
        }

        if (byIndex.Count == 0)
        {
            throw DatasetException.At(file, Line(key), "names is empty");
        }

        if (byIndex.Keys.Select((k, i) => k != i).Any(gap => gap))
        {
            throw new DatasetException($"{file}: names indices must run 0, 1, 2 … without gaps, not {string.Join(", ", byIndex.Keys)}");
        }

        return [.. byIndex.Values];
    }

    /// <summary>One class name: a non-empty scalar (quoted or plain).</summary>
    private static string Name(IParser parser, string file)
    {
        var value = parser.Current!;
        if (value is not Scalar s)
        {
            throw DatasetException.At(file, Line(value), "a class name must be text, not a list or map");
        }

        if (IsEmpty(s))
        {
            throw DatasetException.At(file, Line(s), "a class name is empty");
        }

        parser.MoveNext();
        return s.Value;
    }

    /// <summary>An empty value, or YAML's null written out.</summary>
    private static bool IsEmpty(Scalar s) =>
        s.Value.Length == 0 || (s.Style == ScalarStyle.Plain && s.Value is "~" or "null" or "Null" or "NULL");

    private static int Line(ParsingEvent e) => (int)e.Start.Line;

    /// <summary>YamlDotNet's message without its leading "(Line: …, Col: …, Idx: …) - (…): " position.</summary>
    private static string YamlMessage(YamlException e) => PositionPrefix().Replace(e.Message, "").TrimEnd('.');

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();
}
