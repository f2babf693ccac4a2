using System.Globalization;
using System.Text;

namespace DroneScan.Pipeline.Evaluate;

/// <summary>
/// Reads the class names from an Ultralytics <c>data.yaml</c>. Only the top-level <c>names</c> key (and <c>nc</c>,
/// to cross-check) is read, in the three forms Ultralytics writes and accepts: a flow list <c>names: [a, 'b']</c>
/// (may span lines), a block list of <c>- a</c> items, or a map of class index to name, in block form
/// (<c>0: a</c> lines) or flow form (<c>{0: a, 1: b}</c>). Names may be quoted; <c>#</c> comments are ignored. A
/// full YAML parser would be a dependency for one key.
/// </summary>
public static class DataYaml
{
    /// <summary>The class names, in class-index order; throws <see cref="DatasetException"/> naming the file and line.</summary>
    public static IReadOnlyList<string> ParseNames(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] lines = [.. text.Split('\n').Select(l => StripComment(l.TrimEnd('\r')))];
        int? nc = null;
        int ncLine = 0;
        List<string>? names = null;
        for (int i = 0; i < lines.Length; i++)
        {
            if (TopLevelValue(lines[i], "nc") is { } ncText)
            {
                if (!int.TryParse(ncText, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                {
                    throw DatasetException.At(file, i + 1, $"nc '{ncText}' is not a number of classes");
                }

                (nc, ncLine) = (n, i + 1);
            }
            else if (TopLevelValue(lines[i], "names") is { } value)
            {
                names = value.Length == 0 ? ParseBlock(lines, i, file) : ParseFlow(lines, i, value, file);
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

    /// <summary>The value of a key at column 0 ("" when it is on the next lines), or null for another line.</summary>
    private static string? TopLevelValue(string line, string key) =>
        line.StartsWith(key, StringComparison.Ordinal) && line.AsSpan(key.Length).TrimStart().StartsWith(":")
            ? line[(line.IndexOf(':', key.Length) + 1)..].Trim()
            : null;

    /// <summary>A flow list or map after <c>names:</c>, joined with following lines until its bracket closes.</summary>
    private static List<string> ParseFlow(string[] lines, int start, string value, string file)
    {
        char open = value[0];
        if (open is not ('[' or '{'))
        {
            throw DatasetException.At(file, start + 1, $"names must be a list ([a, b] or '- a' lines) or a map ('0: a' lines), not '{value}'");
        }

        char close = open == '[' ? ']' : '}';
        var flow = new StringBuilder(value);
        int end = start;
        while (!flow.ToString().TrimEnd().EndsWith(close))
        {
            if (++end >= lines.Length)
            {
                throw DatasetException.At(file, start + 1, $"names: the '{open}' is never closed");
            }

            flow.Append(' ').Append(lines[end].Trim());
        }

        string inner = flow.ToString().Trim()[1..^1];
        var items = SplitOutsideQuotes(inner, ',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        return open == '['
            ? [.. items.Select(s => Unquote(s, file, start + 1))]
            : FromMap(items.Select(s => (s, start + 1)), file);
    }

    /// <summary>The indented lines after <c>names:</c>: list items (<c>- a</c>, which YAML also allows at column 0)
    /// or map entries (<c>0: a</c>).</summary>
    private static List<string> ParseBlock(string[] lines, int start, string file)
    {
        var listItems = new List<string>();
        var mapItems = new List<(string Text, int Line)>();
        for (int i = start + 1; i < lines.Length; i++)
        {
            string line = lines[i];
            string item = line.Trim();
            if (item.Length == 0)
            {
                continue;
            }

            if (!char.IsWhiteSpace(line[0]) && line[0] != '-')
            {
                break;
            }

            if (item.StartsWith('-'))
            {
                listItems.Add(Unquote(item[1..].Trim(), file, i + 1));
            }
            else
            {
                mapItems.Add((item, i + 1));
            }
        }

        if (listItems.Count > 0 && mapItems.Count > 0)
        {
            throw DatasetException.At(file, start + 1, "names mixes '- name' items and 'index: name' entries");
        }

        if (listItems.Count + mapItems.Count == 0)
        {
            throw DatasetException.At(file, start + 1, "names is empty");
        }

        return listItems.Count > 0 ? listItems : FromMap(mapItems, file);
    }

    /// <summary>Map entries <c>index: name</c>; the indices must be 0 … n − 1, each once.</summary>
    private static List<string> FromMap(IEnumerable<(string Text, int Line)> entries, string file)
    {
        var byIndex = new SortedDictionary<int, string>();
        foreach (var (text, line) in entries)
        {
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || !int.TryParse(text.AsSpan(0, colon).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                throw DatasetException.At(file, line, $"names entry '{text}' is not 'index: name'");
            }

            if (!byIndex.TryAdd(index, Unquote(text[(colon + 1)..].Trim(), file, line)))
            {
                throw DatasetException.At(file, line, $"names gives class {index} twice");
            }
        }

        if (byIndex.Keys.Select((k, i) => k != i).Any(gap => gap))
        {
            throw new DatasetException($"{file}: names indices must run 0, 1, 2 … without gaps, not {string.Join(", ", byIndex.Keys)}");
        }

        return [.. byIndex.Values];
    }

    private static string Unquote(string s, string file, int line)
    {
        string name = s.Length >= 2 && ((s[0] == '\'' && s[^1] == '\'') || (s[0] == '"' && s[^1] == '"'))
            ? s[1..^1].Replace(s[0] == '\'' ? "''" : "\\\"", s[0] == '\'' ? "'" : "\"", StringComparison.Ordinal)
            : s;
        if (name.Length == 0)
        {
            throw DatasetException.At(file, line, "a class name is empty");
        }

        return name;
    }

    /// <summary>Drops a <c>#</c> comment: a # at the start or after a space, outside quotes.</summary>
    private static string StripComment(string line)
    {
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"' && OpensScalar(line, i))
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i].TrimEnd();
            }
        }

        return line;
    }

    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"' && OpensScalar(text, i))
            {
                quote = c;
            }
            else if (c == separator)
            {
                parts.Add(current.ToString());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        parts.Add(current.ToString());
        return parts;
    }

    /// <summary>A quote opens a quoted name only where a value starts; an apostrophe inside a plain name (mine's) does not.</summary>
    private static bool OpensScalar(string text, int i)
    {
        var before = text.AsSpan(0, i).TrimEnd();
        return before.IsEmpty || before[^1] is '[' or '{' or ',' or ':' or '-';
    }
}
